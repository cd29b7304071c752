// Server state of the runs screens: one run, the history, starting and signing off a run.
import { infiniteQueryOptions, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, proceduresApi, unwrap } from '../../api/client';
import type { RunOutcome, RunStatus, RunView, Verification } from '../../api/types';
import type { components } from '../../api/procedures';
import { signing } from '../../auth/signing';

type CompleteRun = components['schemas']['CompleteRun'];

export function runQueryKey(id: string) {
  return ['runs', 'run', id] as const;
}

export function runQuery(id: string) {
  return queryOptions({
    queryKey: runQueryKey(id),
    queryFn: () => unwrap(proceduresApi.GET('/api/runs/{id}', { params: { path: { id } } })),
  });
}

/** The history filters, as they sit in the URL query. */
export interface RunFilters {
  procedure?: string;
  asset?: string;
  technician?: string;
  from?: string;
  to?: string;
  outcome?: RunOutcome;
  status?: RunStatus;
  verification?: Verification;
}

const PAGE_SIZE = 30;

export function runsQuery(filters: RunFilters) {
  return infiniteQueryOptions({
    queryKey: ['runs', 'list', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        proceduresApi.GET('/api/runs', {
          params: { query: { ...filters, cursor: pageParam, limit: PAGE_SIZE } },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

/** Procedures to filter by (and, through their links, the equipment runs are done on). */
export const procedureOptionsQuery = queryOptions({
  queryKey: ['runs', 'procedure-options'],
  queryFn: () => unwrap(proceduresApi.GET('/api/procedures', { params: { query: { limit: 100 } } })),
  select: (page) => page.items,
});

/** Technicians to filter by: only admins may list users. */
export const peopleQuery = queryOptions({
  queryKey: ['runs', 'people'],
  queryFn: () => unwrap(api.GET('/api/auth/users')),
  select: (list) => list.items,
});

export function useAsset(id: string | null | undefined) {
  return useQuery({
    queryKey: ['runs', 'asset', id ?? ''],
    enabled: Boolean(id),
    staleTime: 5 * 60_000,
    queryFn: () => unwrap(proceduresApi.GET('/api/assets/{id}', { params: { path: { id: id ?? '' } } })),
  });
}

/** A procedure with its linked equipment, to pick what a new run is on. */
export function procedureQuery(id: string) {
  return queryOptions({
    queryKey: ['runs', 'procedure', id],
    queryFn: () => unwrap(proceduresApi.GET('/api/procedures/{id}', { params: { path: { id } } })),
  });
}

export function useStartRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { procedure_id: string; asset_id: string | null }) =>
      unwrap(proceduresApi.POST('/api/runs', { body })),
    onSuccess: (run) => {
      queryClient.setQueryData(runQueryKey(run.id), run);
      return queryClient.invalidateQueries({ queryKey: ['runs', 'list'] });
    },
  });
}

export function useCompleteRun(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    // Signing off is a signature: past the allowed age of the sign-in, the password is asked again.
    mutationFn: (body: CompleteRun) =>
      signing(() => unwrap(proceduresApi.POST('/api/runs/{id}/complete', { params: { path: { id } }, body }))),
    onSuccess: (run: RunView) => {
      queryClient.setQueryData(runQueryKey(id), run);
      return queryClient.invalidateQueries({ queryKey: ['runs', 'list'] });
    },
    // Missing steps or notes: the run view names them; fetch it again so the lists are current.
    onError: () => queryClient.invalidateQueries({ queryKey: runQueryKey(id) }),
  });
}

/** A second person's `verified` signature on a signed-off run. */
export function useVerifyRun(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => signing(() => unwrap(proceduresApi.POST('/api/runs/{id}/verify', { params: { path: { id } } }))),
    onSuccess: (run: RunView) => {
      queryClient.setQueryData(runQueryKey(id), run);
    },
  });
}
