// Who is signed in, as a tiny external store the whole UI subscribes to.
import { useSyncExternalStore } from 'react';
import { api, applySession, onSessionChange, refreshSession, type User } from '../api/client';

export type SessionState =
  | { status: 'restoring' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: User };

let state: SessionState = { status: 'restoring' };
const subscribers = new Set<() => void>();

function setState(next: SessionState) {
  state = next;
  for (const notify of subscribers) notify();
}

onSessionChange((session) => {
  setState(session ? { status: 'signed-in', user: session.user } : { status: 'signed-out' });
});

function subscribe(notify: () => void) {
  subscribers.add(notify);
  return () => subscribers.delete(notify);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, () => state);
}

/** The signed-in user; only for screens rendered behind RequireSession. */
export function useCurrentUser(): User {
  const session = useSession();
  if (session.status !== 'signed-in') throw new Error('useCurrentUser outside a signed-in route');
  return session.user;
}

/** On start-up, the refresh cookie (if any) silently brings the session back. */
export async function restoreSession(): Promise<void> {
  const session = await refreshSession();
  if (!session) applySession(null);
}

/** Revokes the refresh token server-side; the local session ends even if that fails. */
export async function signOut(): Promise<void> {
  try {
    await api.POST('/api/auth/logout');
  } catch {
    // Offline: the cookie outlives us, but it is httpOnly and expires on its own.
  }
  applySession(null);
}

/** Replaces the user in the current session, e.g. after an admin edits their own account. */
export function updateCurrentUser(user: User): void {
  if (state.status === 'signed-in') setState({ status: 'signed-in', user });
}
