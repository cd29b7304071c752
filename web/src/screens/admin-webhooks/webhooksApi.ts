// Server state of the webhooks screen: the endpoints, their deliveries, and an admin's changes.
import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { unwrap, workApi } from '../../api/client';
import type { components } from '../../api/work';

export type Webhook = components['schemas']['EndpointView'];
export type WebhookInput = components['schemas']['EndpointInput'];
export type WebhookPatch = components['schemas']['EndpointPatch'];
export type Delivery = components['schemas']['DeliveryView'];

const all = ['work', 'webhooks'] as const;

export const webhooksQuery = queryOptions({
  queryKey: all,
  queryFn: () => unwrap(workApi.GET('/api/work/webhooks')),
});

export const deliveriesQuery = (id: string) =>
  infiniteQueryOptions({
    queryKey: [...all, id, 'deliveries'] as const,
    queryFn: ({ pageParam }) =>
      unwrap(
        workApi.GET('/api/work/webhooks/{id}/deliveries', {
          params: { path: { id }, query: { cursor: pageParam, limit: 20 } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    // Deliveries move on by themselves (retries): keep the panel fresh while it is open.
    refetchInterval: 5000,
  });

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: all });
}

export function useCreateWebhook() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: WebhookInput) => unwrap(workApi.POST('/api/work/webhooks', { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateWebhook() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: WebhookPatch }) =>
      unwrap(workApi.PATCH('/api/work/webhooks/{id}', { params: { path: { id } }, body: patch })),
    onSuccess: invalidate,
  });
}

export function useDeleteWebhook() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => unwrap(workApi.DELETE('/api/work/webhooks/{id}', { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}

export function useRetryDelivery(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (delivery: string) =>
      unwrap(
        workApi.POST('/api/work/webhooks/{id}/deliveries/{delivery_id}/retry', {
          params: { path: { id, delivery_id: delivery } },
        }),
      ),
    onSuccess: invalidate,
  });
}
