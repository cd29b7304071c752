// The calendar, phone first: the next 90 days as a list of days, each with the work orders due
// that day and the occurrences plans have not made an order for yet; `?from=` shows another span.
import { Anchor, Badge, Button, Center, Group, Loader, Paper, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { Calendar, OrderView, PlannedOccurrence } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { addDays, localDay, useDayFormat } from './dates';
import { OrderBadges } from './OrderCard';
import { calendarQuery } from './workApi';

/** The days one calendar answer spans: `to` is `from` plus 90. */
const SPAN = 91;

interface Day {
  day: string;
  orders: OrderView[];
  planned: PlannedOccurrence[];
}

/** The days of the calendar that have something, in order. Orders fall on the browser's local day. */
function byDay(calendar: Calendar): Day[] {
  const days = new Map<string, Day>();
  const dayOf = (day: string) => {
    let entry = days.get(day);
    if (!entry) {
      entry = { day, orders: [], planned: [] };
      days.set(day, entry);
    }
    return entry;
  };
  for (const order of calendar.orders) {
    if (order.due_at) dayOf(localDay(new Date(order.due_at))).orders.push(order);
  }
  for (const occurrence of calendar.planned) dayOf(occurrence.due_date).planned.push(occurrence);
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

function OrderItem({ order }: { order: OrderView }) {
  const { t, i18n } = useTranslation();
  const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' });
  return (
    <UnstyledButton component={Link} to={`/work/orders/${order.id}`} aria-label={`${t('work.number', { number: order.number })} ${order.title}`}>
      <Paper withBorder p="xs">
        <Stack gap={2}>
          <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
            <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
              {order.title}
            </Text>
            <Text size="xs" ff="monospace" c="dimmed" style={{ flex: 'none' }}>
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
          <Group gap={6}>
            {order.due_at && (
              <Text size="xs" c="dimmed">
                {time.format(new Date(order.due_at))}
              </Text>
            )}
            <OrderBadges order={order} />
          </Group>
        </Stack>
      </Paper>
    </UnstyledButton>
  );
}

function PlannedItem({ occurrence }: { occurrence: PlannedOccurrence }) {
  const { t } = useTranslation();
  return (
    <Paper
      component="article"
      withBorder
      p="xs"
      bg="gray.0"
      style={{ borderStyle: 'dashed' }}
      aria-label={t('work.calendar.plannedLabel', { title: occurrence.plan_title })}
    >
      <Stack gap={2}>
        <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
          <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
            {occurrence.plan_title}
          </Text>
          <Badge variant="outline" color="gray" size="sm" style={{ flex: 'none' }}>
            {t('work.calendar.planned')}
          </Badge>
        </Group>
        {occurrence.asset && (
          <Anchor component={Link} to={`/plans?asset=${occurrence.asset.id}`} size="sm">
            <Text span ff="monospace" inherit>
              {occurrence.asset.code}
            </Text>{' '}
            {occurrence.asset.name}
          </Anchor>
        )}
      </Stack>
    </Paper>
  );
}

export function CalendarScreen() {
  const { t } = useTranslation();
  usePageTitle(t('work.calendar.title'));
  const [params, setParams] = useSearchParams();
  const fromParam = params.get('from');
  const from = fromParam && /^\d{4}-\d{2}-\d{2}$/.test(fromParam) ? fromParam : null;
  const calendar = useQuery(calendarQuery(from));
  const day = useDayFormat();
  const show = (next: string | null) => {
    setParams(next ? { from: next } : {});
  };
  const days = calendar.data ? byDay(calendar.data) : [];
  const today = localDay(new Date());

  return (
    <Stack gap="lg" maw={720}>
      <Stack gap={4}>
        <Title order={1}>{t('work.calendar.title')}</Title>
        <Text c="dimmed">{t('work.calendar.intro')}</Text>
        {calendar.data && (
          <Text size="sm">{t('work.calendar.range', { from: day(calendar.data.from, 'long'), to: day(calendar.data.to, 'long') })}</Text>
        )}
      </Stack>
      {calendar.data && (
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            leftSection={<IconChevronLeft size={14} aria-hidden />}
            onClick={() => {
              show(addDays(calendar.data.from, -SPAN));
            }}
          >
            {t('work.calendar.earlier')}
          </Button>
          {from && (
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                show(null);
              }}
            >
              {t('work.calendar.today')}
            </Button>
          )}
          <Button
            size="xs"
            variant="default"
            rightSection={<IconChevronRight size={14} aria-hidden />}
            onClick={() => {
              show(addDays(calendar.data.to, 1));
            }}
          >
            {t('work.calendar.later')}
          </Button>
        </Group>
      )}
      <ProblemAlert error={calendar.error} />
      {calendar.isPending && (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {calendar.data && days.length === 0 && <Text>{t('work.calendar.empty')}</Text>}
      {days.map((entry) => (
        <Stack key={entry.day} gap="xs" component="section" aria-labelledby={`day-${entry.day}`} data-day={entry.day}>
          <Group gap="xs" align="baseline">
            <Title order={2} size="h5" id={`day-${entry.day}`}>
              <time dateTime={entry.day}>{day(entry.day, 'full')}</time>
            </Title>
            {entry.day === today && (
              <Badge size="sm" variant="light">
                {t('work.calendar.today')}
              </Badge>
            )}
            <Text size="xs" c="dimmed">
              {t('work.calendar.count', { count: entry.orders.length + entry.planned.length })}
            </Text>
          </Group>
          {entry.orders.map((order) => (
            <OrderItem key={order.id} order={order} />
          ))}
          {entry.planned.map((occurrence) => (
            <PlannedItem key={`${occurrence.plan_id}-${occurrence.occurrence}`} occurrence={occurrence} />
          ))}
        </Stack>
      ))}
    </Stack>
  );
}
