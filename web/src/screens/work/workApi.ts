// Server state of the work screens: my work, one order, and what a person does with it; plans
// and the calendar.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { proceduresApi, unwrap, workApi } from '../../api/client';
import type { PlanInput, PlanPatch, PlanView } from '../../api/types';

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

/** Plans by title: every one, or those of one asset. */
export const plansQuery = (asset: string | null) =>
  queryOptions({
    queryKey: ['work', 'plans', asset] as const,
    queryFn: async () => {
      const list = await unwrap(workApi.GET('/api/work/plans', { params: { query: asset ? { asset } : {} } }));
      return list.items;
    },
  });

export const meterQuery = (id: string) =>
  queryOptions({
    queryKey: ['work', 'meter', id] as const,
    queryFn: () => unwrap(workApi.GET('/api/work/meters/{id}', { params: { path: { id } } })),
    staleTime: 60_000,
  });

/** The orders due and the occurrences plans have not made yet, for 90 days from `from` (today when null). */
export const calendarQuery = (from: string | null) =>
  queryOptions({
    queryKey: ['work', 'calendar', from] as const,
    queryFn: () => unwrap(workApi.GET('/api/work/calendar', { params: { query: from ? { from } : {} } })),
  });

/** Makes a plan (editors and admins); the plans, the asset's work and the calendar follow. */
export function useCreatePlan() {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: (body: PlanInput) => unwrap(workApi.POST('/api/work/plans', { body })),
    onSuccess: invalidate,
  });
}

export function useUpdatePlan() {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: PlanPatch }) =>
      unwrap(workApi.PATCH('/api/work/plans/{id}', { params: { path: { id } }, body: patch })),
    onSuccess: invalidate,
  });
}

/**
 * Changes what a plan cannot change in place (what brings it back, its interval, its first date):
 * makes the new plan, then pauses the old one, so the equipment is never left without a plan. A
 * failed pause leaves both active, and the list shows them.
 */
export function useReplacePlan() {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: async ({ old, body }: { old: PlanView; body: PlanInput }) => {
      const made = await unwrap(workApi.POST('/api/work/plans', { body }));
      if (old.status === 'active') await unwrap(workApi.POST('/api/work/plans/{id}/pause', { params: { path: { id: old.id } } }));
      return made;
    },
    onSettled: invalidate,
  });
}

/** Pauses an active plan or resumes a paused one. */
export function usePausePlan() {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: ({ id, pause }: { id: string; pause: boolean }) =>
      pause
        ? unwrap(workApi.POST('/api/work/plans/{id}/pause', { params: { path: { id } } }))
        : unwrap(workApi.POST('/api/work/plans/{id}/resume', { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}
