// Server state of the work screens: my work, one order, and what a person does with it.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { proceduresApi, unwrap, workApi } from '../../api/client';

const keys = {
  all: ['work'] as const,
  me: ['work', 'me'] as const,
  order: (id: string) => ['work', 'order', id] as const,
};

export const myWorkQuery = () =>
  queryOptions({ queryKey: keys.me, queryFn: () => unwrap(workApi.GET('/api/work/me')) });

export const orderQuery = (id: string) =>
  queryOptions({
    queryKey: keys.order(id),
    queryFn: () => unwrap(workApi.GET('/api/work/orders/{id}', { params: { path: { id } } })),
  });

function useInvalidateWork() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: keys.all });
}

/** Starts a run of the order's procedure for it; the order follows the run (`run.started`). */
export function useStartOrderRun() {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: (body: { procedure_id: string; asset_id: string; work_order_id: string }) =>
      unwrap(proceduresApi.POST('/api/runs', { body })),
    onSuccess: invalidate,
  });
}

/** Starts or completes by hand an order that has no procedure. */
export function useWorkByHand(id: string) {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: (step: 'start' | 'complete') =>
      step === 'start'
        ? unwrap(workApi.POST('/api/work/orders/{id}/start', { params: { path: { id } } }))
        : unwrap(workApi.POST('/api/work/orders/{id}/complete', { params: { path: { id } }, body: {} })),
    onSuccess: invalidate,
  });
}

export function useComment(id: string) {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: (body: string) =>
      unwrap(workApi.POST('/api/work/orders/{id}/comments', { params: { path: { id } }, body: { body } })),
    onSuccess: invalidate,
  });
}

export const assetWorkQuery = (id: string) =>
  queryOptions({
    queryKey: ['work', 'asset', id] as const,
    queryFn: () => unwrap(workApi.GET('/api/work/assets/{id}', { params: { path: { id } } })),
  });

export const labelsQuery = (id: string) =>
  queryOptions({
    queryKey: ['work', 'labels', id] as const,
    queryFn: () => unwrap(workApi.GET('/api/work/assets/{id}/labels', { params: { path: { id } } })),
  });
