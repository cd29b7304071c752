// Route guards: which screens a visitor may see depending on their session.
import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from './session';

/** Where RequireSession sends someone back to after they sign in. */
export interface ReturnTo {
  from?: string;
}

function Restoring() {
  const { t } = useTranslation();
  return (
    <Center h="100vh">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}

export function SignedIn() {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'restoring') return <Restoring />;
  if (session.status === 'signed-out') {
    const state: ReturnTo = { from: location.pathname + location.search };
    return <Navigate to="/sign-in" replace state={state} />;
  }
  if (session.user.must_change_password) return <Navigate to="/change-password" replace />;
  return <Outlet />;
}

export function PublicOnly() {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'restoring') return <Restoring />;
  if (session.status === 'signed-in') {
    const from = (location.state as ReturnTo | null)?.from;
    return <Navigate to={from ?? '/'} replace />;
  }
  return <Outlet />;
}

export function PasswordChangeOnly() {
  const session = useSession();
  if (session.status === 'restoring') return <Restoring />;
  if (session.status === 'signed-out') return <Navigate to="/sign-in" replace />;
  if (!session.user.must_change_password) return <Navigate to="/" replace />;
  return <Outlet />;
}

export function AdminOnly() {
  const session = useSession();
  if (session.status !== 'signed-in' || session.user.role !== 'admin') {
    return <Navigate to="/" replace />;
  }
  return <Outlet />;
}
