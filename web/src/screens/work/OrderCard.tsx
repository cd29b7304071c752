// One work order in a list: number, title, equipment, when it is due, priority and status (and on
// a board, who it is for).
import { Badge, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { OrderStatus, OrderView, Priority } from '../../api/types';

const STATUS_COLOR: Record<OrderStatus, string> = {
  proposed: 'grape',
  open: 'blue',
  in_progress: 'orange',
  done: 'green',
  cancelled: 'gray',
};
const PRIORITY_COLOR: Record<Priority, string> = { low: 'gray', normal: 'blue', high: 'orange', urgent: 'red' };

export function OrderBadges({ order }: { order: OrderView }) {
  const { t } = useTranslation();
  return (
    <Group gap={6}>
      <Badge color={STATUS_COLOR[order.status]} variant="light">
        {t(`work.status.${order.status}`)}
      </Badge>
      {order.priority !== 'normal' && (
        <Badge color={PRIORITY_COLOR[order.priority]} variant="outline">
          {t(`work.priority.${order.priority}`)}
        </Badge>
      )}
      {order.overdue && (
        <Badge color="red" variant="filled">
          {t('work.overdue')}
        </Badge>
      )}
    </Group>
  );
}

export function useDueText() {
  const { t, i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (due: string | null | undefined) => (due ? t('work.due', { date: format.format(new Date(due)) }) : t('work.noDue'));
}

/** `showPeople`: who the order is for (its assignee, else its team), where it is not obviously the reader. */
export function OrderCard({ order, showPeople = false }: { order: OrderView; showPeople?: boolean }) {
  const { t } = useTranslation();
  const dueText = useDueText();
  return (
    <UnstyledButton component={Link} to={`/work/orders/${order.id}`} aria-label={`${t('work.number', { number: order.number })} ${order.title}`}>
      <Paper withBorder p="sm">
        <Stack gap={4}>
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
              {order.title}
            </Text>
            <Text size="sm" ff="monospace" c="dimmed" style={{ flex: 'none', whiteSpace: 'nowrap' }}>
              {t('work.number', { number: order.number })}
            </Text>
          </Group>
          {order.asset && (
            <Text size="sm">
              <Text span ff="monospace" inherit>
                {order.asset.code}
              </Text>{' '}
              {order.asset.name}
            </Text>
          )}
          {showPeople && (
            <Text size="sm" c="dimmed">
              {order.assignee
                ? t('work.board.assignedTo', { name: order.assignee.name })
                : order.team
                  ? t('work.board.forTeam', { name: order.team.name })
                  : t('work.order.nobody')}
            </Text>
          )}
          <Text size="sm" c={order.overdue ? 'red.8' : 'dimmed'}>
            {dueText(order.due_at)}
          </Text>
          <OrderBadges order={order} />
        </Stack>
      </Paper>
    </UnstyledButton>
  );
}
