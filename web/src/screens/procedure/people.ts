// Names for the user ids the procedures service returns: each revision names its author and
// its reviewers, so nobody needs the (admin-only) user list.
import { useTranslation } from 'react-i18next';
import type { RevisionView } from '../../api/types';
import { useCurrentUser } from '../../auth/session';

export type NameOf = (userId: string) => string;

export function usePeople(revisions: readonly (RevisionView | undefined)[]): NameOf {
  const { t } = useTranslation();
  const me = useCurrentUser();

  const known = new Map<string, string>();
  for (const revision of revisions) {
    if (revision) known.set(revision.author_id, revision.author_name);
    for (const review of revision?.reviews ?? []) known.set(review.reviewer_id, review.reviewer_name);
  }

  return (userId) => {
    if (userId === me.id) return t('procedure.people.you', { name: me.display_name });
    // An unnamed person still gets a stable, short handle, so two of them can be told apart.
    return known.get(userId) ?? t('procedure.people.unknown', { handle: userId.slice(-6) });
  };
}
