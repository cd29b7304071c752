// One webhook's deliveries, newest first: what each receiver answered, and "send again".
import { Badge, Button, Card, Center, Loader, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../../api/problem';
import { LoadMore } from '../../components/LoadMore';
import { ProblemAlert } from '../../components/ProblemAlert';
import { EventLabel } from './EventLabel';
import { deliveriesQuery, useRetryDelivery, type Delivery, type Webhook } from './webhooksApi';

const STATE_COLOR = { pending: 'yellow', delivered: 'green', failed: 'red' } as const;

function Answer({ delivery }: { delivery: Delivery }) {
  const { t } = useTranslation();
  if (delivery.attempts === 0) return null;
  return (
    <Stack gap={2}>
      <Text size="sm">
        {delivery.last_status != null ? `HTTP ${delivery.last_status}` : t('webhooks.deliveries.noAnswer')}
        {delivery.last_duration_ms != null && (
          <Text span c="dimmed" size="xs">
            {' '}
            · {delivery.last_duration_ms} ms
          </Text>
        )}
      </Text>
      {delivery.last_error && (
        <Text size="xs" c="red">
          {delivery.last_error}
        </Text>
      )}
      {delivery.last_response && (
        <Text size="xs" ff="monospace" c="dimmed" lineClamp={2} style={{ wordBreak: 'break-all' }}>
          {delivery.last_response}
        </Text>
      )}
    </Stack>
  );
}

export function DeliveriesPanel({ webhook }: { webhook: Webhook }) {
  const { t, i18n } = useTranslation();
  const pages = useInfiniteQuery(deliveriesQuery(webhook.id));
  const retry = useRetryDelivery(webhook.id);
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' });
  const deliveries = pages.data?.pages.flatMap((p) => p.items) ?? [];

  const sendAgain = (delivery: Delivery) => {
    retry.mutate(delivery.id, {
      onSuccess: () => notifications.show({ color: 'green', message: t('webhooks.deliveries.retried') }),
      onError: (error) =>
        notifications.show({ color: 'red', title: t('errors.title'), message: problemMessage(error, t) }),
    });
  };

  return (
    <Card withBorder component="section" aria-labelledby="deliveries-title">
      <Stack>
        <Title order={2} size="h3" id="deliveries-title" style={{ wordBreak: 'break-all' }}>
          {t('webhooks.deliveries.title', { url: webhook.url })}
        </Title>
        <ProblemAlert error={pages.error} />
        {pages.isPending ? (
          <Center py="md">
            <Loader aria-label={t('common.loading')} />
          </Center>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('webhooks.deliveries.when')}</Table.Th>
                  <Table.Th scope="col">{t('webhooks.deliveries.event')}</Table.Th>
                  <Table.Th scope="col">{t('webhooks.deliveries.state')}</Table.Th>
                  <Table.Th scope="col">{t('webhooks.deliveries.attempts')}</Table.Th>
                  <Table.Th scope="col">{t('webhooks.deliveries.answer')}</Table.Th>
                  <Table.Th scope="col">
                    <VisuallyHidden>{t('webhooks.columns.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deliveries.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>{t('webhooks.deliveries.empty')}</Table.Td>
                  </Table.Tr>
                )}
                {deliveries.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>{format.format(new Date(d.created_at))}</Table.Td>
                    <Table.Td>
                      <EventLabel type={d.event_type} />
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STATE_COLOR[d.state]} variant="light">
                        {t(`webhooks.deliveries.states.${d.state}`)}
                      </Badge>
                      {d.state === 'pending' && d.attempts > 0 && (
                        <Text size="xs" c="dimmed">
                          {t('webhooks.deliveries.next', { date: format.format(new Date(d.next_attempt_at)) })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{d.attempts}</Table.Td>
                    <Table.Td>
                      <Answer delivery={d} />
                    </Table.Td>
                    <Table.Td>
                      {d.state !== 'delivered' && (
                        <Button size="xs" variant="light" loading={retry.isPending} onClick={() => { sendAgain(d); }}>
                          {t('webhooks.deliveries.retry')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <LoadMore pages={pages} />
      </Stack>
    </Card>
  );
}
