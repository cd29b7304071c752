// The assistant's sections, chosen by `?tab=`; `?job=` reopens a request in its section.
import type { JobView } from '../../api/types';

export const TABS = ['draft', 'translate', 'review', 'ask', 'history'] as const;
export type Tab = (typeof TABS)[number];

/** Sections that need an editor: the worker refuses drafts, translations and reviews to others. */
export const EDITOR_TABS: readonly Tab[] = ['draft', 'translate', 'review'];

export const TAB_OF_KIND: Record<JobView['kind'], Tab> = {
  draft_procedure: 'draft',
  translate_revision: 'translate',
  review_revision: 'review',
  ask_document: 'ask',
};

export interface TabProps {
  jobId: string | null;
  onJob: (id: string) => void;
  onReset: () => void;
}
