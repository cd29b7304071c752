// Server state of the library: the searched, filtered procedure list (a page at a time)
// and the import of a procedure file.
import { infiniteQueryOptions, keepPreviousData, useMutation, useQueryClient } from '@tanstack/react-query';
import { proceduresApi, unwrap } from '../../api/client';
import type { ProcedureDocument, RevisionStatus } from '../../api/types';

export interface LibraryFilters {
  q: string;
  asset: string | null;
  tag: string | null;
  /** Editors and admins only; the server shows readers published procedures whatever this says. */
  status: RevisionStatus | null;
}

const PAGE_SIZE = 20;

export const proceduresQuery = (filters: LibraryFilters) =>
  infiniteQueryOptions({
    queryKey: ['library', 'procedures', filters],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        proceduresApi.GET('/api/procedures', {
          params: {
            query: {
              q: filters.q.trim() || undefined,
              asset: filters.asset ?? undefined,
              tag: filters.tag ?? undefined,
              status: filters.status ?? undefined,
              cursor: pageParam ?? undefined,
              limit: PAGE_SIZE,
            },
          },
          // A newer keystroke makes the previous search useless.
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? null,
    // Keep the cards on screen while the next search runs, instead of flashing a loader per key.
    placeholderData: keepPreviousData,
  });

/** A file that cannot be a Gamme procedure, caught before it is sent. */
export class ImportFileError extends Error {
  readonly reason: 'notJson' | 'notProcedure' | 'version';

  constructor(reason: ImportFileError['reason']) {
    super(reason);
    this.name = 'ImportFileError';
    this.reason = reason;
  }
}

const FORMAT = 'gamme.procedure';
const VERSION = 1;

async function readDocument(file: File): Promise<ProcedureDocument> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await file.text());
  } catch {
    throw new ImportFileError('notJson');
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { format?: unknown }).format !== FORMAT) {
    throw new ImportFileError('notProcedure');
  }
  if ((parsed as { version?: unknown }).version !== VERSION) throw new ImportFileError('version');
  // The rest (codes, steps, fields) is the server's to judge; it says what is wrong.
  return parsed as ProcedureDocument;
}

export function useImportProcedure() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) => {
      const body = await readDocument(file);
      return unwrap(proceduresApi.POST('/api/procedures/import', { body }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['library'] }),
  });
}
