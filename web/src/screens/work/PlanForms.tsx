// Making a plan on an asset (by the calendar or by one of its meters), and changing what a plan
// lets change: title, time of day, lead time, and a floating plan's next due date.
import { Button, Center, Group, Loader, Modal, NativeSelect, NumberInput, Radio, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IntervalUnit, Meter, PlanInput, PlanPatch, PlanView, ProcedureSummary } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { assetProceduresQuery } from '../assets/assetsApi';
import { addDays, localDay } from './dates';
import { useCreatePlan, useReplacePlan, useUpdatePlan } from './workApi';

const UNITS: readonly IntervalUnit[] = ['day', 'week', 'month', 'year'];

/** `day` plus `count` units, a month's end kept in shorter months (31 January + 1 month: 28 February). */
export function addInterval(day: string, count: number, unit: IntervalUnit): string {
  if (unit === 'day') return addDays(day, count);
  if (unit === 'week') return addDays(day, 7 * count);
  const [y = 0, m = 1, d = 1] = day.split('-').map(Number);
  const months = unit === 'month' ? count : 12 * count;
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

const isWhole = (value: number | string, min: number, max: number) => {
  const n = typeof value === 'number' ? value : Number(value);
  return value !== '' && Number.isInteger(n) && n >= min && n <= max;
};

interface CreateProps {
  opened: boolean;
  onClose: () => void;
  asset: { id: string; code: string; name: string };
  meters: readonly Meter[];
  /** The plan whose interval changes: the form starts from it, and it is paused once the new one is made. */
  replacing?: PlanView | undefined;
}

export function CreatePlanModal({ opened, onClose, asset, meters, replacing }: CreateProps) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={
        replacing
          ? t('work.plans.replaceTitle', { title: replacing.title })
          : t('work.plans.createTitle', { name: `${asset.code} ${asset.name}` })
      }
      closeButtonProps={{ 'aria-label': t('common.close') }}
      size="lg"
    >
      {/* Rendered only while open, so each opening starts afresh (today's date, no leftovers). */}
      <CreatePlanForm asset={asset} meters={meters} replacing={replacing} onDone={onClose} />
    </Modal>
  );
}

function CreatePlanForm({ asset, meters, replacing, onDone }: Omit<FieldsProps, 'published'>) {
  const { t } = useTranslation();
  const procedures = useQuery(assetProceduresQuery(asset.id));
  if (procedures.isError) return <ProblemAlert error={procedures.error} />;
  if (!procedures.data) {
    return (
      <Center py="md">
        <Loader size="sm" aria-label={t('common.loading')} />
      </Center>
    );
  }
  const published = procedures.data.filter((procedure) => procedure.has_published && !procedure.archived);
  return <CreatePlanFields asset={asset} meters={meters} replacing={replacing} published={published} onDone={onDone} />;
}

interface FieldsProps {
  asset: CreateProps['asset'];
  meters: readonly Meter[];
  published: readonly ProcedureSummary[];
  replacing: PlanView | undefined;
  onDone: () => void;
}

/** Where a new plan starts: from the plan it replaces (its next date kept), else a monthly fixed plan. */
function initialValues(today: string, published: readonly ProcedureSummary[], meters: readonly Meter[], old: PlanView | undefined) {
  const next = old?.next_due_date ?? old?.upcoming.find((occurrence) => !occurrence.work_order_id)?.due_date;
  return {
    // A procedure is chosen for the person when there is only one to choose.
    procedure_id: old?.procedure_id ?? (published.length === 1 ? (published[0]?.id ?? '') : ''),
    title: old?.title ?? '',
    trigger: old?.trigger ?? 'time',
    interval_count: (old?.trigger === 'time' ? old.interval_count : 1) as number | string,
    interval_unit: old?.interval_unit ?? 'month',
    schedule: old?.schedule ?? 'fixed',
    anchor_date: next ?? addInterval(today, 1, 'month'),
    due_time: old?.due_time.slice(0, 5) ?? '08:00',
    lead_days: (old?.lead_days ?? 0) as number | string,
    meter_id: old?.meter_id ?? meters[0]?.id ?? '',
    meter_interval: (old?.meter_interval ?? '') as number | string,
    // The same base keeps the thresholds where they were.
    meter_start: (old?.meter_base ?? '') as number | string,
  };
}

function CreatePlanFields({ asset, meters, published, replacing, onDone }: FieldsProps) {
  const { t } = useTranslation();
  const create = useCreatePlan();
  const replace = useReplacePlan();
  const mutation = replacing ? replace : create;
  const [today] = useState(() => localDay(new Date()));
  // Until the first date is chosen by hand (or kept from the plan replaced), it stays one interval from today.
  const anchorChosen = useRef(replacing !== undefined);

  const form = useForm<ReturnType<typeof initialValues>>({
    initialValues: initialValues(today, published, meters, replacing),
    validate: {
      procedure_id: (value) => (value ? null : t('work.plans.validation.procedure')),
      interval_count: (value, values) => (values.trigger === 'meter' || isWhole(value, 1, 1000) ? null : t('work.plans.validation.count')),
      anchor_date: (value, values) => (values.trigger === 'meter' || /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : t('work.plans.validation.date')),
      lead_days: (value, values) => (values.trigger === 'meter' || isWhole(value, 0, 365) ? null : t('work.plans.validation.lead')),
      meter_id: (value, values) => (values.trigger === 'time' || value ? null : t('work.plans.validation.meter')),
      meter_interval: (value, values) =>
        values.trigger === 'time' || (value !== '' && Number(value) > 0) ? null : t('work.plans.validation.meterInterval'),
    },
    onValuesChange: (values, previous) => {
      if (anchorChosen.current) return;
      if (values.interval_count === previous.interval_count && values.interval_unit === previous.interval_unit) return;
      if (!isWhole(values.interval_count, 1, 1000)) return;
      form.setFieldValue('anchor_date', addInterval(today, Number(values.interval_count), values.interval_unit));
    },
  });
  const anchorProps = form.getInputProps('anchor_date');

  const submit = form.onSubmit((values) => {
    const common = { asset_id: asset.id, procedure_id: values.procedure_id, title: values.title.trim() || null };
    const body: PlanInput =
      values.trigger === 'time'
        ? {
            ...common,
            trigger: 'time',
            interval_count: Number(values.interval_count),
            interval_unit: values.interval_unit,
            schedule: values.schedule,
            anchor_date: values.anchor_date,
            due_time: values.due_time || null,
            lead_days: Number(values.lead_days),
          }
        : {
            ...common,
            trigger: 'meter',
            meter_id: values.meter_id,
            meter_interval: Number(values.meter_interval),
            meter_start: values.meter_start === '' ? null : Number(values.meter_start),
          };
    const done = () => {
      notifications.show({ color: 'green', message: t(replacing ? 'work.plans.replaced' : 'work.plans.created') });
      onDone();
    };
    if (replacing) replace.mutate({ old: replacing, body }, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  });

  const time = form.values.trigger === 'time';
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <ProblemAlert error={mutation.error} />
        {replacing && <Text size="sm">{t('work.plans.replaceIntro')}</Text>}
        {published.length === 0 && <Text size="sm">{t('work.plans.form.noProcedure')}</Text>}
        <NativeSelect
          label={t('work.plans.form.procedure')}
          required
          data={[
            { value: '', label: '—', disabled: true },
            ...published.map((procedure) => ({ value: procedure.id, label: `${procedure.code} — ${procedure.title}` })),
          ]}
          {...form.getInputProps('procedure_id')}
        />
        <TextInput label={t('work.plans.form.title')} description={t('work.plans.form.titleHint')} maxLength={200} {...form.getInputProps('title')} />
        <Radio.Group label={t('work.plans.form.trigger')} {...form.getInputProps('trigger')}>
          <Group mt={4}>
            <Radio value="time" label={t('work.plans.form.time')} />
            <Radio value="meter" label={t('work.plans.form.meter')} disabled={meters.length === 0} />
          </Group>
        </Radio.Group>
        {meters.length === 0 && (
          <Text size="xs" c="dimmed" mt={-8}>
            {t('work.plans.form.noMeter')}
          </Text>
        )}
        {time ? (
          <>
            <SimpleGrid cols={2}>
              <NumberInput
                label={t('work.plans.form.every')}
                min={1}
                max={1000}
                allowDecimal={false}
                allowNegative={false}
                required
                {...form.getInputProps('interval_count')}
              />
              <NativeSelect
                label={t('work.plans.form.unit')}
                data={UNITS.map((unit) => ({ value: unit, label: t(`work.plans.form.units.${unit}`) }))}
                {...form.getInputProps('interval_unit')}
              />
            </SimpleGrid>
            <Radio.Group label={t('work.plans.form.schedule')} {...form.getInputProps('schedule')}>
              <Stack gap={6} mt={4}>
                <Radio value="fixed" label={t('work.plans.form.fixed')} />
                <Radio value="floating" label={t('work.plans.form.floating')} />
              </Stack>
            </Radio.Group>
            <SimpleGrid cols={{ base: 1, xs: 3 }}>
              <TextInput
                type="date"
                label={t('work.plans.form.anchor')}
                required
                {...anchorProps}
                onChange={(event) => {
                  anchorChosen.current = true;
                  (anchorProps.onChange as (event: unknown) => void)(event);
                }}
              />
              <TextInput type="time" label={t('work.plans.form.dueTime')} {...form.getInputProps('due_time')} />
              <NumberInput
                label={t('work.plans.form.lead')}
                min={0}
                max={365}
                allowDecimal={false}
                allowNegative={false}
                {...form.getInputProps('lead_days')}
              />
            </SimpleGrid>
            <Text size="xs" c="dimmed" mt={-8}>
              {t('work.plans.form.leadHint')}
            </Text>
          </>
        ) : (
          <>
            <NativeSelect
              label={t('work.plans.form.meterId')}
              data={meters.map((meter) => ({ value: meter.id, label: `${meter.name} (${meter.unit})` }))}
              {...form.getInputProps('meter_id')}
            />
            <SimpleGrid cols={2}>
              <NumberInput label={t('work.plans.form.meterInterval')} min={0} allowNegative={false} required {...form.getInputProps('meter_interval')} />
              <NumberInput
                label={t('work.plans.form.meterStart')}
                description={t('work.plans.form.meterStartHint')}
                min={0}
                allowNegative={false}
                {...form.getInputProps('meter_start')}
              />
            </SimpleGrid>
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={mutation.isPending} disabled={published.length === 0}>
            {replacing ? t('work.plans.form.replace') : t('work.plans.form.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface EditProps {
  plan: PlanView | null;
  onClose: () => void;
}

export function EditPlanModal({ plan, onClose }: EditProps) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={plan !== null}
      onClose={onClose}
      title={plan ? t('work.plans.editTitle', { title: plan.title }) : ''}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      size="lg"
    >
      {plan && <EditPlanForm plan={plan} onDone={onClose} />}
    </Modal>
  );
}

function EditPlanForm({ plan, onDone }: { plan: PlanView; onDone: () => void }) {
  const { t } = useTranslation();
  const update = useUpdatePlan();
  const floating = plan.schedule === 'floating';
  const time = plan.trigger === 'time';
  const form = useForm({
    initialValues: {
      title: plan.title,
      due_time: plan.due_time.slice(0, 5),
      lead_days: plan.lead_days as number | string,
      next_due_date: plan.next_due_date ?? '',
    },
    validate: {
      title: (value) => (value.trim() ? null : t('work.plans.validation.title')),
      lead_days: (value) => (!time || isWhole(value, 0, 365) ? null : t('work.plans.validation.lead')),
      next_due_date: (value) => (!floating || /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : t('work.plans.validation.date')),
    },
  });

  const submit = form.onSubmit((values) => {
    const patch: PlanPatch = { title: values.title.trim() };
    if (time) {
      patch.due_time = values.due_time || null;
      patch.lead_days = Number(values.lead_days);
    }
    if (floating && values.next_due_date !== (plan.next_due_date ?? '')) patch.next_due_date = values.next_due_date;
    update.mutate(
      { id: plan.id, patch },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t('work.plans.saved') });
          onDone();
        },
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <ProblemAlert error={update.error} />
        <TextInput label={t('work.plans.form.title')} required maxLength={200} {...form.getInputProps('title')} />
        {time && (
          <SimpleGrid cols={{ base: 1, xs: floating ? 3 : 2 }}>
            {floating && <TextInput type="date" label={t('work.plans.form.nextDueDate')} required {...form.getInputProps('next_due_date')} />}
            <TextInput type="time" label={t('work.plans.form.dueTime')} {...form.getInputProps('due_time')} />
            <NumberInput
              label={t('work.plans.form.lead')}
              min={0}
              max={365}
              allowDecimal={false}
              allowNegative={false}
              {...form.getInputProps('lead_days')}
            />
          </SimpleGrid>
        )}
        <Text size="sm" c="dimmed">
          {t('work.plans.form.fixedRules')}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={update.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
