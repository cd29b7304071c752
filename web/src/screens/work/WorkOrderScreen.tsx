// One work order: what, where, for whom and when; starting its procedure's run (or the work by
// hand when it has none), the run it became, comments and history.
import { Anchor, Button, Center, Group, Loader, Paper, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconArrowLeft, IconCheck, IconPlayerPlay } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { OrderDetail } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { OrderBadges } from './OrderCard';
import { orderQuery, useComment, useStartOrderRun, useWorkByHand } from './workApi';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

function Actions({ order }: { order: OrderDetail }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const startRun = useStartOrderRun();
  const byHand = useWorkByHand(order.id);
  const running = order.status === 'in_progress' && order.run_id;
  return (
    <Stack gap="xs">
      <Group gap="sm">
        {order.actions.start_run && order.procedure && !running && (
          <Button
            leftSection={<IconPlayerPlay size={18} aria-hidden />}
            loading={startRun.isPending}
            onClick={() => {
              const procedure = order.procedure;
              if (!procedure) return;
              startRun.mutate(
                { procedure_id: procedure.id, asset_id: order.asset_id, work_order_id: order.id },
                { onSuccess: (run) => void navigate(`/runs/${run.id}`) },
              );
            }}
          >
            {t('work.order.startRun')}
          </Button>
        )}
        {order.run_id && (
          <Button variant={running ? 'filled' : 'default'} component={Link} to={`/runs/${order.run_id}`}>
            {t('work.order.openRun')}
          </Button>
        )}
        {order.actions.work_by_hand && order.status === 'open' && (
          <Button variant="light" loading={byHand.isPending} onClick={() => { byHand.mutate('start'); }}>
            {t('work.order.startByHand')}
          </Button>
        )}
        {order.actions.work_by_hand && order.status === 'in_progress' && !order.run_id && (
          <Button color="green" leftSection={<IconCheck size={18} aria-hidden />} loading={byHand.isPending} onClick={() => { byHand.mutate('complete'); }}>
            {t('work.order.completeByHand')}
          </Button>
        )}
      </Group>
      <ProblemAlert error={startRun.error ?? byHand.error} />
    </Stack>
  );
}

function Comments({ order }: { order: OrderDetail }) {
  const { t, i18n } = useTranslation();
  const [body, setBody] = useState('');
  const comment = useComment(order.id);
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <Stack gap="xs" component="section" aria-labelledby="order-comments">
      <Title order={2} size="h4" id="order-comments">
        {t('work.order.comments')}
      </Title>
      {order.comments.length === 0 && <Text size="sm">{t('work.order.noComments')}</Text>}
      {order.comments.map((c) => (
        <Paper key={c.id} withBorder p="xs">
          <Text size="xs" c="dimmed">
            {c.author_name} · {date.format(new Date(c.created_at))}
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
            {c.body}
          </Text>
        </Paper>
      ))}
      {order.actions.comment && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!body.trim()) return;
            comment.mutate(body.trim(), { onSuccess: () => { setBody(''); } });
          }}
        >
          <Stack gap="xs">
            <Textarea label={t('work.order.comment')} value={body} onChange={(e) => { setBody(e.currentTarget.value); }} autosize minRows={2} maxLength={4000} />
            <Group>
              <Button type="submit" variant="light" loading={comment.isPending} disabled={!body.trim()}>
                {t('work.order.send')}
              </Button>
            </Group>
            <ProblemAlert error={comment.error} />
          </Stack>
        </form>
      )}
    </Stack>
  );
}

function History({ order }: { order: OrderDetail }) {
  const { t, i18n } = useTranslation();
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const label = (value: string | null | undefined, kind: 'status' | 'priority') =>
    value ? t(`work.${kind}.${value}` as 'work.status.open') : '—';
  return (
    <Stack gap={4} component="section" aria-labelledby="order-history">
      <Title order={2} size="h4" id="order-history">
        {t('work.order.history')}
      </Title>
      {order.history.map((entry) => {
        const kind = entry.change === 'priority' ? 'priority' : 'status';
        return (
          <Text key={entry.id} size="sm">
            {date.format(new Date(entry.at))} —{' '}
            {t(`work.order.change.${entry.change}`, { from: label(entry.from_value, kind), to: label(entry.to_value, kind) })}{' '}
            <Text span c="dimmed" inherit>
              {entry.actor_name ? t('work.order.by', { name: entry.actor_name }) : t('work.order.system')}
            </Text>
          </Text>
        );
      })}
    </Stack>
  );
}

export function WorkOrderScreen() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const query = useQuery(orderQuery(id));
  const order = query.data;
  usePageTitle(order ? `${t('work.number', { number: order.number })} · ${order.title}` : t('work.title'));
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });

  if (query.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  return (
    <Stack gap="lg" maw={720}>
      <Anchor component={Link} to="/work" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={16} aria-hidden />
          {t('work.back')}
        </Group>
      </Anchor>
      <ProblemAlert error={query.error} />
      {order && (
        <>
          <Stack gap={4}>
            <Text ff="monospace" c="dimmed">
              {t('work.number', { number: order.number })} · {t(`work.kind.${order.kind}`)}
            </Text>
            <Title order={1} style={{ overflowWrap: 'anywhere' }}>
              {order.title}
            </Title>
            <OrderBadges order={order} />
          </Stack>
          {order.description.trim() && <Text style={{ whiteSpace: 'pre-line' }}>{order.description}</Text>}
          {order.source === 'follow_up' && order.source_reason && (
            <Text size="sm" fw={600}>
              {t('work.order.followUp', { reason: t(`work.order.reason.${order.source_reason}`) })}
              {order.source_note ? ` — ${order.source_note}` : ''}
            </Text>
          )}
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <Field label={t('work.order.asset')}>
              {order.asset ? `${order.asset.code} ${order.asset.name}` : '—'}
            </Field>
            <Field label={t('work.order.procedure')}>
              {order.procedure ? (
                <Anchor component={Link} to={`/procedures/${order.procedure.id}`} size="sm">
                  {order.procedure.code} {order.procedure.title ?? ''}
                </Anchor>
              ) : (
                '—'
              )}
            </Field>
            <Field label={t('work.order.assignee')}>{order.assignee?.name ?? t('work.order.nobody')}</Field>
            <Field label={t('work.order.team')}>{order.team?.name ?? '—'}</Field>
            <Field label={t('work.order.due')}>{order.due_at ? date.format(new Date(order.due_at)) : t('work.noDue')}</Field>
            {order.plan && <Field label={t('work.order.plan')}>{order.plan.name}</Field>}
            {order.completed_at && <Field label={t('work.status.done')}>{t('work.order.completed', { date: date.format(new Date(order.completed_at)) })}</Field>}
          </SimpleGrid>
          <Actions order={order} />
          <Comments order={order} />
          <History order={order} />
        </>
      )}
    </Stack>
  );
}
