// Run mode: one step at a time, big targets, progress, a step list to jump, and the sign-off
// at the end. Entries go through the device's queue (resultQueue.ts), never straight out.
import { Button, Drawer, Group, NavLink, Progress, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconAlertCircle,
  IconArrowLeft,
  IconArrowRight,
  IconCircle,
  IconCircleCheck,
  IconClock,
  IconListNumbers,
  IconSignature,
} from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResultView, RunView } from '../../api/types';
import { usePageTitle } from '../../components/usePageTitle';
import type { EntryStatus } from './EntryBadge';
import { QueueBanner } from './QueueBanner';
import { refusal, useResultQueue } from './resultQueue';
import { runQueryKey } from './runsApi';
import { fromResult, isDone, runSteps, type Entry } from './runSteps';
import { SignOffPanel } from './SignOffPanel';
import { StepPanel } from './StepPanel';

export function RunMode({ run }: { run: RunView }) {
  const { t } = useTranslation();
  usePageTitle(`${run.procedure_code} · ${run.title}`);
  const queryClient = useQueryClient();
  const steps = runSteps(run);

  const onSaved = useCallback(
    (result: ResultView, drained: boolean) => {
      queryClient.setQueryData(runQueryKey(run.id), (old: RunView | undefined) =>
        old && { ...old, results: [...old.results.filter((r) => r.step_id !== result.step_id), result] },
      );
      // Missing and flagged steps are the server's to say once everything has arrived.
      if (drained) void queryClient.invalidateQueries({ queryKey: runQueryKey(run.id) });
    },
    [queryClient, run.id],
  );
  const queue = useResultQueue(run.id, onSaved);
  const { entries, sending } = queue.state;
  const position = Math.min(queue.state.position, steps.length);

  // What each step holds now: the newest entry on this device, else what the server has.
  const current = new Map<string, { entry: Entry; status: EntryStatus; refusal: unknown }>();
  for (const result of run.results) {
    current.set(result.step_id, { entry: fromResult(result), status: 'saved', refusal: null });
  }
  for (const queued of entries) {
    const status = queued.refused ? 'refused' : queued.resultId === sending ? 'sending' : 'queued';
    current.set(queued.stepId, { entry: queued, status, refusal: refusal(queued) });
  }
  const done = steps.filter((step) => isDone(step, current.get(step.id)?.entry)).length;

  const [listOpened, list] = useDisclosure(false);
  const go = (next: number) => {
    queue.setPosition(next);
    list.close();
  };

  // Moving to another step puts its heading in view and in focus, so screen readers follow.
  const top = useRef<HTMLDivElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    top.current?.scrollIntoView({ block: 'start' });
    top.current?.focus({ preventScroll: true });
  }, [position]);

  const step = steps[position];
  const atSignOff = step === undefined;

  return (
    <Stack gap="md" maw={820} mx="auto" pb={96}>
      <div>
        <Text c="dimmed" fw={500}>
          {run.procedure_code} · {t('runs.revision', { number: run.revision_number })}
        </Text>
        <Title order={1} fz={{ base: 'h2', sm: 'h1' }}>
          {run.title}
        </Title>
      </div>

      <QueueBanner state={queue.state} onRetry={() => void queue.retryNow()} />

      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600} id="run-progress-label">
            {t('runs.mode.progress', { count: done, total: steps.length })}
          </Text>
          <Button
            variant="default"
            size="md"
            h={48}
            leftSection={<IconListNumbers aria-hidden />}
            onClick={list.open}
            aria-haspopup="dialog"
          >
            {t('runs.mode.steps')}
          </Button>
        </Group>
        <Progress
          value={steps.length ? (done / steps.length) * 100 : 0}
          size="lg"
          color={done === steps.length ? 'green' : 'blue'}
          aria-labelledby="run-progress-label"
        />
      </Stack>

      <div ref={top} tabIndex={-1} style={{ outline: 'none', scrollMarginTop: 72 }}>
        {atSignOff ? (
          <SignOffPanel
            run={run}
            steps={steps}
            current={current}
            waiting={entries.length}
            onJump={go}
          />
        ) : (
          <StepPanel
            key={step.id}
            step={step}
            total={steps.length}
            entry={current.get(step.id)?.entry}
            status={current.get(step.id)?.status ?? 'empty'}
            refusal={current.get(step.id)?.refusal}
            onRecord={(entry) => {
              queue.record(step.id, entry);
            }}
          />
        )}
      </div>

      <Group
        grow
        gap="sm"
        p="sm"
        style={{
          position: 'sticky',
          bottom: 0,
          background: 'var(--mantine-color-body)',
          borderTop: '1px solid var(--mantine-color-default-border)',
          zIndex: 2,
        }}
      >
        <Button
          size="md"
          h={56}
          px="xs"
          variant="default"
          leftSection={<IconArrowLeft aria-hidden />}
          disabled={position === 0}
          onClick={() => {
            go(position - 1);
          }}
        >
          {t('runs.mode.previous')}
        </Button>
        {!atSignOff && (
          <Button
            size="md"
            h={56}
            px="xs"
            rightSection={position === steps.length - 1 ? <IconSignature aria-hidden /> : <IconArrowRight aria-hidden />}
            onClick={() => {
              go(position + 1);
            }}
          >
            {position === steps.length - 1 ? t('runs.mode.toSignOff') : t('runs.mode.next')}
          </Button>
        )}
      </Group>

      <Drawer
        opened={listOpened}
        onClose={list.close}
        title={t('runs.mode.steps')}
        position="right"
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <nav aria-label={t('runs.mode.steps')}>
          {steps.map((s, index) => {
            const status = current.get(s.id)?.status ?? 'empty';
            const complete = isDone(s, current.get(s.id)?.entry);
            return (
              <NavLink
                key={s.id}
                component="button"
                mih={48}
                active={index === position}
                aria-current={index === position ? 'step' : undefined}
                label={`${s.number}. ${s.title}`}
                description={s.sectionTitle ?? undefined}
                leftSection={<StepIcon complete={complete} status={status} />}
                rightSection={
                  s.required && !complete ? (
                    <Text size="xs" c="orange.9">
                      {t('domain.required')}
                    </Text>
                  ) : undefined
                }
                onClick={() => {
                  go(index);
                }}
              />
            );
          })}
          <NavLink
            component="button"
            mih={48}
            active={atSignOff}
            aria-current={atSignOff ? 'step' : undefined}
            label={t('runs.signOff.title')}
            leftSection={<IconSignature size={20} aria-hidden />}
            onClick={() => {
              go(steps.length);
            }}
          />
        </nav>
      </Drawer>
    </Stack>
  );
}

function StepIcon({ complete, status }: { complete: boolean; status: EntryStatus }) {
  const { t } = useTranslation();
  if (status === 'refused') return <IconAlertCircle size={20} color="var(--mantine-color-red-8)" role="img" aria-label={t('runs.entry.refused')} />;
  if (status === 'queued' || status === 'sending') {
    return <IconClock size={20} color="var(--mantine-color-yellow-8)" role="img" aria-label={t('runs.entry.queued')} />;
  }
  if (complete) return <IconCircleCheck size={20} color="var(--mantine-color-green-8)" role="img" aria-label={t('runs.entry.saved')} />;
  return <IconCircle size={20} color="var(--mantine-color-gray-6)" role="img" aria-label={t('runs.entry.empty')} />;
}
