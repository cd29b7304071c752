// Server state of the asset tree: children per parent, one asset, its procedures and runs,
// and the editors' changes. The library reuses the children lists to offer the whole tree.
import {
  infiniteQueryOptions,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { proceduresApi, unwrap } from '../../api/client';
import type { components } from '../../api/procedures';
import type { AssetKind, AssetView } from '../../api/types';

export type CreateAsset = components['schemas']['CreateAsset'];
export type UpdateAsset = components['schemas']['UpdateAsset'];

export const ASSET_KINDS: readonly AssetKind[] = ['site', 'area', 'equipment'];

/** Where each kind may sit (the server's rule, mirrored to offer only valid parents). */
export const PARENT_KINDS: Record<AssetKind, readonly AssetKind[]> = {
  site: [],
  area: ['site', 'area'],
  equipment: ['area', 'equipment'],
};

const ROOT = 'assets';

/** The sites (`parent` null) or the children of one asset, archived ones left out. */
export const childrenQuery = (parent: string | null) =>
  queryOptions({
    queryKey: [ROOT, 'children', parent],
    queryFn: async () => {
      const list = await unwrap(
        proceduresApi.GET('/api/assets', { params: { query: parent ? { parent } : {} } }),
      );
      return list.items;
    },
    staleTime: 30_000,
  });

export const assetQuery = (id: string) =>
  queryOptions({
    queryKey: [ROOT, 'detail', id],
    queryFn: () => unwrap(proceduresApi.GET('/api/assets/{id}', { params: { path: { id } } })),
  });

export const assetProceduresQuery = (id: string) =>
  queryOptions({
    queryKey: [ROOT, 'procedures', id],
    queryFn: async () => {
      const list = await unwrap(proceduresApi.GET('/api/assets/{id}/procedures', { params: { path: { id } } }));
      return list.items;
    },
  });

export const assetRunsQuery = (id: string) =>
  infiniteQueryOptions({
    queryKey: [ROOT, 'runs', id],
    queryFn: ({ pageParam }) =>
      unwrap(
        proceduresApi.GET('/api/assets/{id}/runs', {
          params: { path: { id }, query: pageParam ? { cursor: pageParam, limit: 20 } : { limit: 20 } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? null,
  });

/** One asset in the whole tree, in reading order: `depth` 0 for sites. */
export interface OutlineEntry {
  asset: AssetView;
  depth: number;
  /** Ids from the site down to this asset, itself included. */
  path: readonly string[];
}

// There is no "every asset" endpoint: walk the tree level by level, each level's
// lists fetched together, through the same cache entries the tree browser uses.
async function walkTree(queryClient: QueryClient): Promise<OutlineEntry[]> {
  const childrenOf = new Map<string | null, AssetView[]>();
  let level: (string | null)[] = [null];
  while (level.length > 0) {
    const lists = await Promise.all(level.map((parent) => queryClient.query(childrenQuery(parent))));
    const next: string[] = [];
    level.forEach((parent, index) => {
      const items = lists[index] ?? [];
      childrenOf.set(parent, items);
      next.push(...items.map((asset) => asset.id));
    });
    level = next;
  }
  const entries: OutlineEntry[] = [];
  const visit = (parent: string | null, path: readonly string[]) => {
    for (const asset of childrenOf.get(parent) ?? []) {
      const own = [...path, asset.id];
      entries.push({ asset, depth: path.length, path: own });
      visit(asset.id, own);
    }
  };
  visit(null, []);
  return entries;
}

/** The whole tree as a flat list, for pickers (filter by asset, choose a parent). */
export function useAssetOutline(enabled = true) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: [ROOT, 'outline'],
    queryFn: () => walkTree(queryClient),
    staleTime: 30_000,
    enabled,
  });
}

function useInvalidateAssets() {
  const queryClient = useQueryClient();
  // Asset names and places also show on procedure cards in the library.
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: [ROOT] }),
      queryClient.invalidateQueries({ queryKey: ['library'] }),
    ]);
}

export function useCreateAsset() {
  const invalidate = useInvalidateAssets();
  return useMutation({
    mutationFn: (body: CreateAsset) => unwrap(proceduresApi.POST('/api/assets', { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateAsset() {
  const invalidate = useInvalidateAssets();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: UpdateAsset }) =>
      unwrap(proceduresApi.PATCH('/api/assets/{id}', { params: { path: { id } }, body: changes })),
    onSuccess: invalidate,
  });
}

export function useArchiveAsset() {
  const invalidate = useInvalidateAssets();
  return useMutation({
    mutationFn: (id: string) => unwrap(proceduresApi.POST('/api/assets/{id}/archive', { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}
