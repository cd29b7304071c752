// Names for the user ids the procedures service returns. Only admins may list users; everyone
// else learns names from what the page already has: themselves and the reviewers of revisions.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { RevisionView } from '../../api/types';
import { useCurrentUser } from '../../auth/session';

const USERS_STALE_MS = 5 * 60_000;

export type NameOf = (userId: string) => string;

export function usePeople(revisions: readonly (RevisionView | undefined)[]): NameOf {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const users = useQuery({
    queryKey: ['procedure', 'people'],
    enabled: me.role === 'admin',
    staleTime: USERS_STALE_MS,
    queryFn: () => unwrap(api.GET('/api/auth/users')),
  });

  const known = new Map<string, string>();
  for (const revision of revisions) {
    for (const review of revision?.reviews ?? []) known.set(review.reviewer_id, review.reviewer_name);
  }
  for (const user of users.data?.items ?? []) known.set(user.id, user.display_name);

  return (userId) => {
    if (userId === me.id) return t('procedure.people.you', { name: me.display_name });
    // An unnamed person still gets a stable, short handle, so two of them can be told apart.
    return known.get(userId) ?? t('procedure.people.unknown', { handle: userId.slice(-6) });
  };
}
