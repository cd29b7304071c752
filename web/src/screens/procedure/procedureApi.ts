// Server state of the procedure page: the procedure, its revisions, diff, audit trail,
// statistics, the review decisions and the JSON export.
import {
  infiniteQueryOptions,
  queryOptions,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { proceduresApi, unwrap } from '../../api/client';
import { signing } from '../../auth/signing';
import type { RevisionView } from '../../api/types';

const AUDIT_PAGE_SIZE = 50;

const keys = {
  all: (id: string) => ['procedure', id] as const,
  procedure: (id: string) => ['procedure', id, 'view'] as const,
  revisions: (id: string) => ['procedure', id, 'revisions'] as const,
  revision: (id: string, n: number) => ['procedure', id, 'revision', n] as const,
  diff: (id: string, a: number, b: number) => ['procedure', id, 'diff', a, b] as const,
  audit: (id: string) => ['procedure', id, 'audit'] as const,
  stats: (id: string, n: number) => ['procedure', id, 'stats', n] as const,
  safety: (id: string, n: number) => ['procedure', id, 'safety', n] as const,
};

export const procedureQuery = (id: string) =>
  queryOptions({
    queryKey: keys.procedure(id),
    queryFn: () => unwrap(proceduresApi.GET('/api/procedures/{id}', { params: { path: { id } } })),
  });

export const revisionQuery = (id: string, n: number) =>
  queryOptions({
    queryKey: keys.revision(id, n),
    queryFn: () =>
      unwrap(proceduresApi.GET('/api/procedures/{id}/revisions/{n}', { params: { path: { id, n } } })),
  });

export const revisionsQuery = (id: string) =>
  queryOptions({
    queryKey: keys.revisions(id),
    queryFn: () => unwrap(proceduresApi.GET('/api/procedures/{id}/revisions', { params: { path: { id } } })),
    select: (list) => list.items,
  });

export const diffQuery = (id: string, a: number, b: number) =>
  queryOptions({
    queryKey: keys.diff(id, a, b),
    queryFn: () =>
      unwrap(
        proceduresApi.GET('/api/procedures/{id}/revisions/{a}/diff/{b}', { params: { path: { id, a, b } } }),
      ),
  });

export const safetyReviewQuery = (id: string, n: number) =>
  queryOptions({
    queryKey: keys.safety(id, n),
    queryFn: () =>
      unwrap(
        proceduresApi.GET('/api/procedures/{id}/revisions/{n}/safety-review', { params: { path: { id, n } } }),
      ),
  });

export const auditQuery = (id: string) =>
  infiniteQueryOptions({
    queryKey: keys.audit(id),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        proceduresApi.GET('/api/procedures/{id}/audit', {
          params: { path: { id }, query: { cursor: pageParam, limit: AUDIT_PAGE_SIZE } },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });

export const statsQuery = (id: string, n: number) =>
  queryOptions({
    queryKey: keys.stats(id, n),
    queryFn: () =>
      unwrap(proceduresApi.GET('/api/procedures/{id}/revisions/{n}/stats', { params: { path: { id, n } } })),
  });

/**
 * The procedure and the revision to show: `?revision=n` when given, else the one the server
 * picks for the reader (published; for editors the newest when nothing is published).
 */
export function useShownRevision(id: string, requested: number | null) {
  const procedure = useQuery(procedureQuery(id));
  const specific = useQuery({ ...revisionQuery(id, requested ?? 0), enabled: requested !== null });
  const revision: RevisionView | null | undefined =
    requested === null ? procedure.data?.revision : specific.data;
  return {
    procedure: procedure.data,
    revision,
    error: procedure.error ?? (requested === null ? null : specific.error),
    isPending: procedure.isPending || (requested !== null && specific.isPending),
  };
}

/** Every revision whole: the history needs their review comments, which only the full view carries. */
export function useRevisionDetails(id: string, numbers: readonly number[]) {
  return useQueries({
    queries: numbers.map((n) => revisionQuery(id, n)),
  });
}

/** After a review decision every view of the procedure may have changed (status, published revision, audit). */
function useInvalidateProcedure(id: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: keys.all(id) });
}

export function useSubmitRevision(id: string) {
  const invalidate = useInvalidateProcedure(id);
  return useMutation({
    mutationFn: (n: number) =>
      unwrap(proceduresApi.POST('/api/procedures/{id}/revisions/{n}/submit', { params: { path: { id, n } } })),
    onSuccess: invalidate,
  });
}

export function useApproveRevision(id: string) {
  const invalidate = useInvalidateProcedure(id);
  return useMutation({
    // Approving is a signature: past the allowed age of the sign-in, the password is asked again.
    mutationFn: (n: number) =>
      signing(() =>
        unwrap(
          proceduresApi.POST('/api/procedures/{id}/revisions/{n}/approve', {
            params: { path: { id, n } },
            body: {},
          }),
        ),
      ),
    onSuccess: invalidate,
  });
}

export function useRejectRevision(id: string) {
  const invalidate = useInvalidateProcedure(id);
  return useMutation({
    mutationFn: ({ n, comment }: { n: number; comment: string }) =>
      unwrap(
        proceduresApi.POST('/api/procedures/{id}/revisions/{n}/reject', {
          params: { path: { id, n } },
          body: { comment },
        }),
      ),
    onSuccess: invalidate,
  });
}

/** Downloads the procedure's open JSON document as `<code>.json`. */
export function useExportProcedure(id: string) {
  return useMutation({
    mutationFn: async ({ code, revision }: { code: string; revision: number | null }) => {
      const document = await unwrap(
        proceduresApi.GET('/api/procedures/{id}/export', {
          params: { path: { id }, query: revision === null ? {} : { revision } },
        }),
      );
      const blob = new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const link = window.document.createElement('a');
      link.href = url;
      link.download = `${code}.json`;
      link.click();
      // The click has handed the blob to the download; the link can go right away.
      setTimeout(() => {
        URL.revokeObjectURL(url);
      }, 0);
    },
  });
}
