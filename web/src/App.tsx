// Providers shared by every screen: theme, notifications, server state, routes.
import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { ApiError, onSessionChange } from './api/client';
import { router } from './router';
import { cssVariablesResolver, theme } from './theme';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Retrying a 4xx cannot succeed; retry only server and network failures.
      retry: (failures, error) =>
        failures < 2 && !(error instanceof ApiError && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

// Nothing cached for one user may be shown to the next one on a shared tablet.
let lastUserId: string | null = null;
onSessionChange((session) => {
  const userId = session?.user.id ?? null;
  if (userId !== lastUserId) queryClient.clear();
  lastUserId = userId;
});

export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      {/* Top: the editor's save bar and run mode's step buttons sit at the bottom of the screen. */}
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <ModalsProvider>
          <RouterProvider router={router} />
        </ModalsProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
