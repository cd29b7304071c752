// Every URL of the app. A new screen is one folder under screens/ and one line here.
// Screens past the library load on first visit (`lazy`), so a technician's phone on the shop
// floor's Wi-Fi does not download the editor or the assistant to run a checklist.
import { createBrowserRouter } from 'react-router';
import { AdminOnly, PasswordChangeOnly, PublicOnly, SignedIn } from './auth/guards';
import { AccountScreen } from './screens/account/AccountScreen';
import { ChangePasswordScreen } from './screens/change-password/ChangePasswordScreen';
import { LibraryScreen } from './screens/library/LibraryScreen';
import { NotFoundScreen } from './screens/not-found/NotFoundScreen';
import { SetupScreen } from './screens/setup/SetupScreen';
import { SignInScreen } from './screens/sign-in/SignInScreen';
import { AppLayout } from './shell/AppLayout';
import { AuthLayout } from './shell/AuthLayout';

export const router = createBrowserRouter([
  {
    element: <AuthLayout />,
    children: [
      {
        element: <PublicOnly />,
        children: [
          { path: 'setup', element: <SetupScreen /> },
          { path: 'sign-in', element: <SignInScreen /> },
        ],
      },
      {
        element: <PasswordChangeOnly />,
        children: [{ path: 'change-password', element: <ChangePasswordScreen /> }],
      },
    ],
  },
  {
    element: <SignedIn />,
    children: [
      // Paper layouts, without the app frame.
      { path: 'assets/:id/labels', lazy: () => import('./screens/work/LabelSheetScreen').then((m) => ({ Component: m.LabelSheetScreen })) },
      { path: 'procedures/:id/print', lazy: () => import('./screens/procedure/PrintProcedureScreen').then((m) => ({ Component: m.PrintProcedureScreen })) },
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <LibraryScreen /> },
          { path: 'procedures/new', lazy: () => import('./screens/editor/EditorScreen').then((m) => ({ Component: m.EditorScreen })) },
          { path: 'procedures/:id', lazy: () => import('./screens/procedure/ProcedureScreen').then((m) => ({ Component: m.ProcedureScreen })) },
          { path: 'procedures/:id/edit', lazy: () => import('./screens/editor/EditorScreen').then((m) => ({ Component: m.EditorScreen })) },
          { path: 'assets', lazy: () => import('./screens/assets/AssetsScreen').then((m) => ({ Component: m.AssetsScreen })) },
          { path: 'assets/:id', lazy: () => import('./screens/assets/AssetsScreen').then((m) => ({ Component: m.AssetsScreen })) },
          { path: 'runs', lazy: () => import('./screens/runs/RunsScreen').then((m) => ({ Component: m.RunsScreen })) },
          { path: 'runs/:id', lazy: () => import('./screens/runs/RunScreen').then((m) => ({ Component: m.RunScreen })) },
          { path: 'work', lazy: () => import('./screens/work/MyWorkScreen').then((m) => ({ Component: m.MyWorkScreen })) },
          { path: 'plans', lazy: () => import('./screens/work/PlansScreen').then((m) => ({ Component: m.PlansScreen })) },
          { path: 'calendar', lazy: () => import('./screens/work/CalendarScreen').then((m) => ({ Component: m.CalendarScreen })) },
          { path: 'board', lazy: () => import('./screens/work/BoardScreen').then((m) => ({ Component: m.BoardScreen })) },
          { path: 'teams', lazy: () => import('./screens/work/TeamsScreen').then((m) => ({ Component: m.TeamsScreen })) },
          { path: 'teams/:id', lazy: () => import('./screens/work/TeamScreen').then((m) => ({ Component: m.TeamScreen })) },
          { path: 'work/orders/:id', lazy: () => import('./screens/work/WorkOrderScreen').then((m) => ({ Component: m.WorkOrderScreen })) },
          { path: 'assistant', lazy: () => import('./screens/assistant/AssistantScreen').then((m) => ({ Component: m.AssistantScreen })) },
          { path: 'account', element: <AccountScreen /> },
          {
            path: 'admin',
            element: <AdminOnly />,
            children: [
              { path: 'users', lazy: () => import('./screens/admin-users/UsersScreen').then((m) => ({ Component: m.UsersScreen })) },
              { path: 'webhooks', lazy: () => import('./screens/admin-webhooks/WebhooksScreen').then((m) => ({ Component: m.WebhooksScreen })) },
            ],
          },
          { path: '*', element: <NotFoundScreen /> },
        ],
      },
    ],
  },
]);
