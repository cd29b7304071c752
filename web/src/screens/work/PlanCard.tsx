// One maintenance plan: what it runs on which equipment, its schedule in words, whether it is
// paused, its next due dates (or next meter threshold), and the editors' actions.
import { Anchor, Badge, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlayerPause, IconPlayerPlay, IconRepeat } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { PlanView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { assetQuery } from '../assets/assetsApi';
import { procedureQuery } from '../procedure/procedureApi';
import { useDayFormat } from './dates';
import { meterQuery, usePausePlan } from './workApi';

/** The schedule of a plan in words: « Tous les 30 jours, comptés depuis la dernière réalisation ». */
export function useScheduleText() {
  const { t, i18n } = useTranslation();
  const day = useDayFormat();
  const number = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 3 });
  return (plan: PlanView, meter?: { name: string; unit: string }) => {
    if (plan.trigger === 'meter') {
      const interval = number.format(plan.meter_interval ?? 0);
      return meter
        ? t('work.plans.meterEvery', { interval, unit: meter.unit, meter: meter.name })
        : t('work.plans.meterEveryUnknown', { interval });
    }
    const every = t(`work.plans.every.${plan.interval_unit ?? 'day'}`, { count: plan.interval_count });
    const how =
      plan.schedule === 'fixed'
        ? t('work.plans.schedule.fixed', { date: plan.anchor_date ? day(plan.anchor_date, 'long') : '—' })
        : t('work.plans.schedule.floating');
    const lead = plan.lead_days === 0 ? t('work.plans.noLead') : t('work.plans.lead', { count: plan.lead_days });
    return t('work.plans.sentence', { every, how, time: t('work.plans.dueTime', { time: plan.due_time.slice(0, 5) }), lead });
  };
}

function AssetName({ id }: { id: string }) {
  const asset = useQuery(assetQuery(id));
  if (!asset.data) return <Text span>…</Text>;
  return (
    <Anchor component={Link} to={`/assets/${id}`} size="sm">
      <Text span ff="monospace" inherit>
        {asset.data.code}
      </Text>{' '}
      {asset.data.name}
    </Anchor>
  );
}

function ProcedureName({ id }: { id: string }) {
  const procedure = useQuery(procedureQuery(id));
  if (!procedure.data) return <Text span>…</Text>;
  return (
    <Anchor component={Link} to={`/procedures/${id}`} size="sm">
      <Text span ff="monospace" inherit>
        {procedure.data.code}
      </Text>{' '}
      {procedure.data.revision?.title ?? ''}
    </Anchor>
  );
}

function NextDates({ plan }: { plan: PlanView }) {
  const { t } = useTranslation();
  const day = useDayFormat();
  if (plan.upcoming.length === 0) return <Text size="sm">{t('work.plans.noNext')}</Text>;
  return (
    <Stack gap={2}>
      <Text size="sm" fw={600} id={`plan-next-${plan.id}`}>
        {t('work.plans.next')}
      </Text>
      <List size="sm" spacing={2} aria-labelledby={`plan-next-${plan.id}`}>
        {plan.upcoming.map((occurrence) => (
          <List.Item key={occurrence.occurrence}>
            <time dateTime={occurrence.due_date}>{day(occurrence.due_date, 'full')}</time>
            {occurrence.projected && (
              <Text span c="dimmed" size="sm">
                {' '}
                ({t('work.plans.projected')})
              </Text>
            )}
            {occurrence.work_order_id && (
              <>
                {' · '}
                <Anchor component={Link} to={`/work/orders/${occurrence.work_order_id}`} size="sm">
                  {t('work.plans.order')}
                </Anchor>
              </>
            )}
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}

function Threshold({ plan, unit }: { plan: PlanView; unit: string }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 3 });
  return (
    <Stack gap={2}>
      {plan.next_threshold != null && (
        <Text size="sm" fw={600}>
          {t('work.plans.threshold', { value: number.format(plan.next_threshold), unit })}
        </Text>
      )}
      <Text size="sm" c="dimmed">
        {plan.latest_reading != null
          ? t('work.plans.latest', { value: number.format(plan.latest_reading), unit })
          : t('work.plans.noReading')}
      </Text>
    </Stack>
  );
}

interface Props {
  plan: PlanView;
  canEdit: boolean;
  /** Leaves out the equipment line when every plan listed is on the same one. */
  showAsset: boolean;
  onEdit: (plan: PlanView) => void;
  /** Opens the form that replaces the plan with one of another interval. */
  onReplace: (plan: PlanView) => void;
}

export function PlanCard({ plan, canEdit, showAsset, onEdit, onReplace }: Props) {
  const { t } = useTranslation();
  const scheduleText = useScheduleText();
  const meter = useQuery({ ...meterQuery(plan.meter_id ?? ''), enabled: plan.meter_id != null });
  const pause = usePausePlan();
  const paused = plan.status === 'paused';
  const headingId = `plan-${plan.id}`;

  const togglePause = () => {
    pause.mutate(
      { id: plan.id, pause: !paused },
      { onSuccess: () => notifications.show({ color: 'green', message: t(paused ? 'work.plans.resumed' : 'work.plans.paused') }) },
    );
  };

  return (
    <Paper withBorder p="sm" component="article" aria-labelledby={headingId} data-plan-id={plan.id}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Title order={2} size="h4" id={headingId} style={{ overflowWrap: 'anywhere' }}>
            {plan.title}
          </Title>
          <Badge color={paused ? 'gray' : 'green'} variant="light" style={{ flex: 'none' }}>
            {t(`work.plans.status.${plan.status}`)}
          </Badge>
        </Group>
        <Text size="sm">{scheduleText(plan, meter.data)}</Text>
        <Stack gap={2}>
          {showAsset && (
            <Text size="sm">
              {t('work.plans.asset')} <AssetName id={plan.asset_id} />
            </Text>
          )}
          <Text size="sm">
            {t('work.plans.procedure')} <ProcedureName id={plan.procedure_id} />
          </Text>
        </Stack>
        {!paused && plan.trigger === 'time' && <NextDates plan={plan} />}
        {!paused && plan.trigger === 'meter' && <Threshold plan={plan} unit={meter.data?.unit ?? ''} />}
        <ProblemAlert error={pause.error} />
        {canEdit && (
          <Group gap="xs" role="group" aria-label={t('work.plans.actionsFor', { title: plan.title })}>
            <Button
              size="xs"
              variant="default"
              leftSection={paused ? <IconPlayerPlay size={14} aria-hidden /> : <IconPlayerPause size={14} aria-hidden />}
              loading={pause.isPending}
              onClick={togglePause}
            >
              {paused ? t('work.plans.resume') : t('work.plans.pause')}
            </Button>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconPencil size={14} aria-hidden />}
              onClick={() => {
                onEdit(plan);
              }}
            >
              {t('work.plans.edit')}
            </Button>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconRepeat size={14} aria-hidden />}
              onClick={() => {
                onReplace(plan);
              }}
            >
              {t('work.plans.replace')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
