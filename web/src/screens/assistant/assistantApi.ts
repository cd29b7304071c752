// Server state of the assistant: jobs and the provider (ai-worker), plus the documents and
// procedures the jobs work on, and the new draft a proposal is saved as.
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { aiApi, filesApi, proceduresApi, unwrap } from '../../api/client';
import type { components as Procedures } from '../../api/procedures';
import type { FileView, JobInput, JobStatus, JobView } from '../../api/types';

export type CreateProcedure = Procedures['schemas']['CreateProcedure'];

const FINISHED: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export function isFinished(status: JobStatus): boolean {
  return FINISHED.includes(status);
}

/** How often to look at an unfinished job: the offline provider answers in milliseconds, a model in seconds. */
const POLL_MS = 1000;

export const providerQuery = queryOptions({
  queryKey: ['assistant', 'provider'],
  queryFn: () => unwrap(aiApi.GET('/api/ai/provider')),
  staleTime: 5 * 60_000,
});

export function jobQuery(id: string) {
  return queryOptions({
    queryKey: ['assistant', 'jobs', id],
    queryFn: () => unwrap(aiApi.GET('/api/ai/jobs/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status && isFinished(status) ? false : POLL_MS;
    },
  });
}

export const recentJobsQuery = queryOptions({
  queryKey: ['assistant', 'jobs', 'recent'],
  queryFn: () => unwrap(aiApi.GET('/api/ai/jobs', { params: { query: { limit: 20 } } })),
  select: (list) => list.items,
  // Keep the statuses moving while something is still queued or running.
  refetchInterval: (query) =>
    query.state.data?.items.some((job) => !isFinished(job.status)) ? 3 * POLL_MS : false,
});

export function useCreateJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: JobInput) => unwrap(aiApi.POST('/api/ai/jobs', { body: input })),
    onSuccess: (job) => {
      queryClient.setQueryData(jobQuery(job.id).queryKey, job);
      return queryClient.invalidateQueries({ queryKey: recentJobsQuery.queryKey });
    },
  });
}

export function useCancelJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(aiApi.POST('/api/ai/jobs/{id}/cancel', { params: { path: { id } } })),
    onSuccess: (job: JobView) => {
      queryClient.setQueryData(jobQuery(job.id).queryKey, job);
      return queryClient.invalidateQueries({ queryKey: recentJobsQuery.queryKey });
    },
  });
}

/** The media types the assistant reads (its text extraction handles PDF, plain text and Markdown). */
export const DOCUMENT_TYPES = ['application/pdf', 'text/plain', 'text/markdown'] as const;

export function isDocument(file: Pick<FileView, 'media_type'>): boolean {
  return (DOCUMENT_TYPES as readonly string[]).includes(file.media_type);
}

/** Uploaded documents, newest first: PDFs and text files asked for separately, since photos outnumber them. */
export function documentsQuery(search: string) {
  const q = search.trim() || undefined;
  const list = (type: string) =>
    unwrap(filesApi.GET('/api/files', { params: { query: { type, q, limit: 50 } } })).then((page) => page.items);
  return queryOptions({
    queryKey: ['assistant', 'documents', q ?? ''],
    queryFn: async () => {
      const [pdfs, texts] = await Promise.all([list('application/pdf'), list('text')]);
      return [...pdfs, ...texts.filter(isDocument)].sort((a, b) => b.created_at.localeCompare(a.created_at));
    },
    placeholderData: keepPreviousData,
  });
}

export function procedureSearchQuery(search: string) {
  const q = search.trim() || undefined;
  return queryOptions({
    queryKey: ['assistant', 'procedures', q ?? ''],
    queryFn: () => unwrap(proceduresApi.GET('/api/procedures', { params: { query: { q, limit: 20 } } })),
    select: (page) => page.items,
    placeholderData: keepPreviousData,
  });
}

export function procedureQuery(id: string) {
  return queryOptions({
    queryKey: ['assistant', 'procedure', id],
    queryFn: () => unwrap(proceduresApi.GET('/api/procedures/{id}', { params: { path: { id } } })),
  });
}

export function revisionsQuery(procedureId: string) {
  return queryOptions({
    queryKey: ['assistant', 'procedure', procedureId, 'revisions'],
    queryFn: () =>
      unwrap(proceduresApi.GET('/api/procedures/{id}/revisions', { params: { path: { id: procedureId } } })),
    select: (list) => list.items,
  });
}

export function revisionQuery(procedureId: string, number: number) {
  return queryOptions({
    queryKey: ['assistant', 'procedure', procedureId, 'revisions', number],
    queryFn: () =>
      unwrap(
        proceduresApi.GET('/api/procedures/{id}/revisions/{n}', {
          params: { path: { id: procedureId, n: number } },
        }),
      ),
  });
}

export function useCreateProcedure() {
  return useMutation({
    mutationFn: (body: CreateProcedure) => unwrap(proceduresApi.POST('/api/procedures', { body })),
  });
}
