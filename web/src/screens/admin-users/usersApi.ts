// Server state of the users screen: the list and the admin's changes to it.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Role } from '../../api/client';
import { updateCurrentUser } from '../../auth/session';
import type { components } from '../../api/auth';

export type UpdateUser = components['schemas']['UpdateUserRequest'];
export type CreateUser = components['schemas']['CreateUserRequest'];

export const usersQuery = queryOptions({
  queryKey: ['auth', 'users'],
  queryFn: () => unwrap(api.GET('/api/auth/users')),
  select: (list) => list.items,
});

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUser) => unwrap(api.POST('/api/auth/users', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersQuery.queryKey }),
  });
}

export function useUpdateUser(currentUserId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: UpdateUser }) =>
      unwrap(api.PATCH('/api/auth/users/{id}', { params: { path: { id } }, body: changes })),
    onSuccess: (user) => {
      // An admin who demotes themselves must lose the admin navigation at once.
      if (user.id === currentUserId) updateCurrentUser(user);
      return queryClient.invalidateQueries({ queryKey: usersQuery.queryKey });
    },
  });
}

export type { Role };
