// Every URL of the app. A new screen is one folder under screens/ and one line here.
import { createBrowserRouter } from 'react-router';
import { AdminOnly, PasswordChangeOnly, PublicOnly, SignedIn } from './auth/guards';
import { AccountScreen } from './screens/account/AccountScreen';
import { AssetsScreen } from './screens/assets/AssetsScreen';
import { AssistantScreen } from './screens/assistant/AssistantScreen';
import { ChangePasswordScreen } from './screens/change-password/ChangePasswordScreen';
import { EditorScreen } from './screens/editor/EditorScreen';
import { LibraryScreen } from './screens/library/LibraryScreen';
import { NotFoundScreen } from './screens/not-found/NotFoundScreen';
import { PrintProcedureScreen } from './screens/procedure/PrintProcedureScreen';
import { ProcedureScreen } from './screens/procedure/ProcedureScreen';
import { RunScreen } from './screens/runs/RunScreen';
import { RunsScreen } from './screens/runs/RunsScreen';
import { SetupScreen } from './screens/setup/SetupScreen';
import { SignInScreen } from './screens/sign-in/SignInScreen';
import { UsersScreen } from './screens/admin-users/UsersScreen';
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
      { path: 'procedures/:id/print', element: <PrintProcedureScreen /> },
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <LibraryScreen /> },
          { path: 'procedures/new', element: <EditorScreen /> },
          { path: 'procedures/:id', element: <ProcedureScreen /> },
          { path: 'procedures/:id/edit', element: <EditorScreen /> },
          { path: 'assets', element: <AssetsScreen /> },
          { path: 'assets/:id', element: <AssetsScreen /> },
          { path: 'runs', element: <RunsScreen /> },
          { path: 'runs/:id', element: <RunScreen /> },
          { path: 'assistant', element: <AssistantScreen /> },
          { path: 'account', element: <AccountScreen /> },
          {
            path: 'admin',
            element: <AdminOnly />,
            children: [{ path: 'users', element: <UsersScreen /> }],
          },
          { path: '*', element: <NotFoundScreen /> },
        ],
      },
    ],
  },
]);
