// The library's search and filters live in the URL (`?q=&asset=&tag=&status=`), so a
// deep link, a reload or the back button brings the same list back.
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { RevisionStatus } from '../../api/types';
import type { LibraryFilters } from './libraryApi';

/** The statuses an editor can filter on: where a procedure stands in its review. */
export const FILTER_STATUSES: readonly RevisionStatus[] = ['draft', 'in_review', 'published'];

function parseStatus(value: string | null): RevisionStatus | null {
  return FILTER_STATUSES.find((status) => status === value) ?? null;
}

export function useLibraryFilters() {
  const [params, setParams] = useSearchParams();
  const filters: LibraryFilters = {
    q: params.get('q') ?? '',
    asset: params.get('asset'),
    tag: params.get('tag'),
    status: parseStatus(params.get('status')),
  };

  /**
   * Changes some filters. Typing replaces the history entry (one per search, not per key);
   * choosing a filter adds one, so the back button undoes it.
   */
  const update = (changes: Partial<LibraryFilters>, { replace = false } = {}) => {
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace },
    );
  };

  const clear = () => {
    setParams(new URLSearchParams());
  };

  const active = filters.q.trim() !== '' || filters.asset !== null || filters.tag !== null || filters.status !== null;
  return { filters, update, clear, active };
}

/**
 * What is typed in a field whose committed value lives in the URL. The text follows the URL
 * when something else changes it (back button, "clear filters"), but not when the URL merely
 * catches up with what was typed: the router applies that a moment later, and resetting the
 * field then would eat the keys typed in between.
 */
export function useUrlText(value: string, onCommit: (text: string) => void) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  const [committed, setCommitted] = useState(value);
  if (value !== seen) {
    setSeen(value);
    if (value !== committed) {
      setCommitted(value);
      setText(value);
    }
  }
  const commit = (next: string) => {
    if (next === committed) return;
    setCommitted(next);
    onCommit(next);
  };
  /** The text as it stands, counted as committed: for another change to carry it along. */
  const take = () => {
    setCommitted(text);
    return text;
  };
  return { text, setText, commit, take };
}
