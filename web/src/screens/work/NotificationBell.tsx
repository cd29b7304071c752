// The bell in the header: how many notifications are unread, and the newest ones, each opening
// its order (and marked read on the way).
import { ActionIcon, Button, Group, Indicator, Menu, Text } from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { unwrap, workApi } from '../../api/client';

const KEY = ['work', 'notifications'] as const;
/** How often the count is asked again while the app is open. */
const POLL_MS = 60_000;

export function NotificationBell() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: KEY,
    queryFn: () => unwrap(workApi.GET('/api/work/notifications')),
    refetchInterval: POLL_MS,
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: KEY });
  const read = useMutation({
    mutationFn: (id: string) => workApi.POST('/api/work/notifications/{id}/read', { params: { path: { id } } }),
    onSuccess: invalidate,
  });
  const readAll = useMutation({
    mutationFn: () => workApi.POST('/api/work/notifications/read'),
    onSuccess: invalidate,
  });
  const unread = list.data?.unread ?? 0;
  const items = list.data?.items ?? [];
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });

  return (
    <Menu position="bottom-end" width={320}>
      <Menu.Target>
        <Indicator label={unread} disabled={unread === 0} size={16} color="red" offset={4}>
          <ActionIcon variant="subtle" color="gray" size="lg" aria-label={t('work.notifications.bell', { count: unread })}>
            <IconBell size={20} aria-hidden />
          </ActionIcon>
        </Indicator>
      </Menu.Target>
      <Menu.Dropdown>
        <Group justify="space-between" px="xs" py={4}>
          <Menu.Label p={0}>{t('work.notifications.title')}</Menu.Label>
          {unread > 0 && (
            <Button variant="subtle" size="compact-xs" onClick={() => { readAll.mutate(); }}>
              {t('work.notifications.readAll')}
            </Button>
          )}
        </Group>
        {items.length === 0 && (
          <Text size="sm" px="xs" py={4}>
            {t('work.notifications.none')}
          </Text>
        )}
        {items.slice(0, 10).map((n) => (
          <Menu.Item
            key={n.id}
            onClick={() => {
              if (!n.read_at) read.mutate(n.id);
              void navigate(`/work/orders/${n.work_order_id}`);
            }}
          >
            <Text size="sm" fw={n.read_at ? 400 : 700}>
              {t(`work.notifications.kind.${n.kind}`, { number: n.order_number })}
            </Text>
            <Text size="sm" lineClamp={1}>
              {n.order_title}
            </Text>
            <Text size="xs" c="dimmed">
              {date.format(new Date(n.created_at))}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
