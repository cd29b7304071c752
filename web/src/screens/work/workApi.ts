// Server state of the work screens: my work, one order, and what a person does with it; plans,
// the calendar, boards and compliance; teams and their members.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { proceduresApi, unwrap, workApi } from '../../api/client';
import type { Priority, PlanInput, PlanPatch, PlanView, TeamInput, TeamPatch } from '../../api/types';

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

/** What a board shows: one team, site, person or priority, or any combination (each optional). */
export interface BoardFilter {
  team?: string;
  site?: string;
  assignee?: string;
  priority?: Priority;
}

/** The board's columns: proposed, open, in progress, and done in the last 14 days. */
export const boardQuery = (filter: BoardFilter) =>
  queryOptions({
    queryKey: ['work', 'board', filter] as const,
    queryFn: () => unwrap(workApi.GET('/api/work/board', { params: { query: filter } })),
  });

/** Preventive orders done on time, per site and month (this one and `months - 1` before): every site, or one. */
export const complianceQuery = (site: string | null, months: number) =>
  queryOptions({
    queryKey: ['work', 'compliance', site, months] as const,
    queryFn: () => unwrap(workApi.GET('/api/work/compliance', { params: { query: site ? { site, months } : { months } } })),
  });

/** Every team with its members, by name (everyone may read them). */
export const teamsQuery = () =>
  queryOptions({
    queryKey: ['work', 'teams'] as const,
    queryFn: async () => (await unwrap(workApi.GET('/api/work/teams'))).items,
    staleTime: 30_000,
  });

export const teamQuery = (id: string) =>
  queryOptions({
    queryKey: ['work', 'team', id] as const,
    queryFn: () => unwrap(workApi.GET('/api/work/teams/{id}', { params: { path: { id } } })),
  });

/** The people work can go to (not viewers): the pickers of editors and admins only. */
export const peopleQuery = () =>
  queryOptions({
    queryKey: ['work', 'people'] as const,
    queryFn: async () => (await unwrap(workApi.GET('/api/work/people'))).items,
    staleTime: 60_000,
  });

/** Makes a team (editors and admins). */
export function useCreateTeam() {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: (body: TeamInput) => unwrap(workApi.POST('/api/work/teams', { body })),
    onSuccess: invalidate,
  });
}

/** Renames a team or changes its description (editors and admins). */
export function useUpdateTeam(id: string) {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: (patch: TeamPatch) => unwrap(workApi.PATCH('/api/work/teams/{id}', { params: { path: { id } }, body: patch })),
    onSuccess: invalidate,
  });
}

/** Deletes a team no order to do and no active plan is assigned to (editors and admins). */
export function useDeleteTeam(id: string) {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: () => unwrap(workApi.DELETE('/api/work/teams/{id}', { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}

/** Adds a person to a team or removes one (editors and admins); my work and boards follow. */
export function useTeamMember(id: string) {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: ({ userId, add }: { userId: string; add: boolean }) => {
      const params = { path: { id, user_id: userId } };
      return add
        ? unwrap(workApi.PUT('/api/work/teams/{id}/members/{user_id}', { params }))
        : unwrap(workApi.DELETE('/api/work/teams/{id}/members/{user_id}', { params }));
    },
    onSuccess: invalidate,
  });
}
