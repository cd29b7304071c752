// Server state of the editor: the procedure and its draft, the assets to link, upload limits,
// and the writes (create, save, new draft, submit for review).
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, filesApi, proceduresApi, unwrap } from '../../api/client';
import type { AssetView, ContentInput, ProcedureView, RevisionPatch, RevisionView } from '../../api/types';
import type { components } from '../../api/procedures';

type CreateProcedure = components['schemas']['CreateProcedure'];

/** One thing wrong in a content the server refused: a step by number, or a section by index. */
export interface ContentProblem {
  step?: number;
  section?: number;
  problem: string;
}

/** The steps or sections a refused content names, from the problem's `errors`. */
export function contentProblems(failure: unknown): ContentProblem[] {
  return failure instanceof ApiError && Array.isArray(failure.errors) ? (failure.errors as ContentProblem[]) : [];
}

export const procedureQuery = (id: string) =>
  queryOptions({
    queryKey: ['editor', 'procedure', id],
    queryFn: () => unwrap(proceduresApi.GET('/api/procedures/{id}', { params: { path: { id } } })),
  });

export const revisionQuery = (id: string, n: number) =>
  queryOptions({
    queryKey: ['editor', 'revision', id, n],
    queryFn: () => unwrap(proceduresApi.GET('/api/procedures/{id}/revisions/{n}', { params: { path: { id, n } } })),
  });

export const uploadLimitsQuery = queryOptions({
  queryKey: ['editor', 'upload-limits'],
  queryFn: () => unwrap(filesApi.GET('/api/files/limits')),
  staleTime: Infinity,
});

/** Stops walking the asset tree past this many assets: the picker is not a browser. */
const MAX_ASSETS = 2000;

/**
 * Every asset, site by site. The API lists the children of one asset at a time, so the tree
 * is walked level by level, one request per asset of a level in parallel.
 */
async function allAssets(): Promise<{ asset: AssetView; site: AssetView }[]> {
  const sites = await unwrap(proceduresApi.GET('/api/assets')).then((list) => list.items);
  const found = sites.map((site) => ({ asset: site, site }));
  let level = found;
  while (level.length > 0 && found.length < MAX_ASSETS) {
    const children = await Promise.all(
      level.map(({ asset, site }) =>
        unwrap(proceduresApi.GET('/api/assets', { params: { query: { parent: asset.id } } })).then((list) =>
          list.items.map((child) => ({ asset: child, site })),
        ),
      ),
    );
    level = children.flat();
    found.push(...level);
  }
  return found;
}

/** Loaded only once someone opens the asset picker. */
export function useAllAssets(enabled: boolean) {
  return useQuery({ queryKey: ['editor', 'assets'], queryFn: allAssets, enabled, staleTime: 5 * 60_000 });
}

export function useCreateProcedure() {
  return useMutation({
    mutationFn: (body: CreateProcedure) => unwrap(proceduresApi.POST('/api/procedures', { body })),
  });
}

export interface SaveDraft {
  id: string;
  number: number;
  patch?: RevisionPatch;
  assetIds?: string[];
  content?: ContentInput;
}

/** Saves what changed, in order; answers the draft and the linked assets as they now are. */
export function useSaveDraft() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, number: n, patch, assetIds, content }: SaveDraft) => {
      const path = { params: { path: { id, n } } };
      let revision: RevisionView | undefined;
      let procedure: ProcedureView | undefined;
      if (patch) {
        revision = await unwrap(proceduresApi.PATCH('/api/procedures/{id}/revisions/{n}', { ...path, body: patch }));
      }
      if (assetIds) {
        procedure = await unwrap(
          proceduresApi.PATCH('/api/procedures/{id}', { ...{ params: { path: { id } } }, body: { asset_ids: assetIds } }),
        );
      }
      if (content) {
        revision = await unwrap(
          proceduresApi.PUT('/api/procedures/{id}/revisions/{n}/content', { ...path, body: content }),
        );
      }
      revision ??= await unwrap(proceduresApi.GET('/api/procedures/{id}/revisions/{n}', path));
      return { revision, assetIds: procedure?.assets.map((asset) => asset.id) };
    },
    onSuccess: (saved, { id, number: n }) => {
      queryClient.setQueryData(revisionQuery(id, n).queryKey, saved.revision);
      return queryClient.invalidateQueries({ queryKey: procedureQuery(id).queryKey });
    },
  });
}

export function useStartDraft() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(proceduresApi.POST('/api/procedures/{id}/revisions', { params: { path: { id } } })),
    onSuccess: (_, id) => queryClient.invalidateQueries({ queryKey: procedureQuery(id).queryKey }),
  });
}

export function useSubmitForReview() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, number: n }: { id: string; number: number }) =>
      unwrap(proceduresApi.POST('/api/procedures/{id}/revisions/{n}/submit', { params: { path: { id, n } } })),
    // Other screens (library, procedure page) show the status too.
    onSuccess: () => queryClient.invalidateQueries(),
  });
}
