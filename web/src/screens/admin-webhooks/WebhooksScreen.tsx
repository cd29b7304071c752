// Admin: the webhooks integrations receive Gamme's events at, and what each receiver answered.
import { Badge, Button, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconPlugConnected } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { CreateWebhookModal } from './CreateWebhookModal';
import { DeliveriesPanel } from './DeliveriesPanel';
import { EventLabel } from './EventLabel';
import { useDeleteWebhook, useUpdateWebhook, webhooksQuery, type Webhook } from './webhooksApi';

export function WebhooksScreen() {
  const { t } = useTranslation();
  usePageTitle(t('webhooks.title'));
  const webhooks = useQuery(webhooksQuery);
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  const [creating, createModal] = useDisclosure(false);
  const [shown, setShown] = useState<string | null>(null);

  const failed = (error: unknown) =>
    notifications.show({ color: 'red', title: t('errors.title'), message: problemMessage(error, t) });

  const toggle = (hook: Webhook) => {
    update.mutate(
      { id: hook.id, patch: { active: !hook.active } },
      {
        onSuccess: () =>
          notifications.show({ color: 'green', message: t(hook.active ? 'webhooks.paused_done' : 'webhooks.resumed_done') }),
        onError: failed,
      },
    );
  };

  const confirmDelete = (hook: Webhook) => {
    modals.openConfirmModal({
      title: t('webhooks.deleteTitle'),
      children: <Text size="sm">{t('webhooks.deleteBody', { url: hook.url })}</Text>,
      labels: { confirm: t('common.delete'), cancel: t('common.cancel') },
      confirmProps: { color: 'red' },
      onConfirm: () => {
        remove.mutate(hook.id, {
          onSuccess: () => {
            if (shown === hook.id) setShown(null);
            notifications.show({ color: 'green', message: t('webhooks.deleted') });
          },
          onError: failed,
        });
      },
    });
  };

  const items = webhooks.data?.items ?? [];
  const shownHook = items.find((h) => h.id === shown);
  const rows = items.map((hook) => (
    <Table.Tr key={hook.id}>
      <Table.Td>
        <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
          {hook.url}
        </Text>
        {hook.description && (
          <Text size="xs" c="dimmed">
            {hook.description}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          {hook.event_types.map((e) => (
            <Text key={e} size="sm">
              <EventLabel type={e} />
            </Text>
          ))}
        </Stack>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Badge color={hook.active ? 'green' : 'gray'} variant="light">
          {hook.active ? t('webhooks.active') : t('webhooks.paused')}
        </Badge>
      </Table.Td>
      <Table.Td>{hook.pending}</Table.Td>
      <Table.Td>
        <Text span size="sm" c={hook.failed > 0 ? 'red' : undefined} fw={hook.failed > 0 ? 600 : undefined}>
          {hook.failed}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Button
            size="xs"
            variant={shown === hook.id ? 'filled' : 'light'}
            aria-pressed={shown === hook.id}
            onClick={() => { setShown(shown === hook.id ? null : hook.id); }}
          >
            {t('webhooks.showDeliveries')}
          </Button>
          <Button size="xs" variant="default" disabled={update.isPending} onClick={() => { toggle(hook); }}>
            {hook.active ? t('webhooks.pause') : t('webhooks.resume')}
          </Button>
          <Button
            size="xs"
            variant="light"
            color="red"
            aria-label={`${t('common.delete')} ${hook.url}`}
            onClick={() => { confirmDelete(hook); }}
          >
            {t('common.delete')}
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  ));

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('webhooks.title')}</Title>
          <Text c="dimmed" maw={720}>
            {t('webhooks.intro')}
          </Text>
        </div>
        <Button leftSection={<IconPlugConnected size={18} aria-hidden />} onClick={createModal.open}>
          {t('webhooks.create')}
        </Button>
      </Group>

      <ProblemAlert error={webhooks.error} />
      {webhooks.isPending ? (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('webhooks.columns.url')}</Table.Th>
                <Table.Th scope="col">{t('webhooks.columns.events')}</Table.Th>
                <Table.Th scope="col">{t('webhooks.columns.status')}</Table.Th>
                <Table.Th scope="col">{t('webhooks.columns.waiting')}</Table.Th>
                <Table.Th scope="col">{t('webhooks.columns.failed')}</Table.Th>
                <Table.Th scope="col">{t('webhooks.columns.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.length > 0 ? (
                rows
              ) : (
                <Table.Tr>
                  <Table.Td colSpan={6}>{t('webhooks.empty')}</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      {shownHook && <DeliveriesPanel webhook={shownHook} />}

      <CreateWebhookModal
        opened={creating}
        onClose={createModal.close}
        eventTypes={webhooks.data?.event_types ?? []}
      />
    </Stack>
  );
}
