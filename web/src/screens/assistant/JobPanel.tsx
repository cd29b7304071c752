// One request to the assistant: where it stands (polled until finished), who answered, why
// it failed, and its result once there is one.
import { Alert, Badge, Button, Center, Group, Loader, Paper, Progress, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconPlus, IconX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobStatus, JobView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { isFinished, jobQuery, useCancelJob } from './assistantApi';
import { ProviderBadge } from './ProviderNote';

export const STATUS_COLOR: Record<JobStatus, string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'dark',
};

export function JobStatusBadge({ status }: { status: JobStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" data-status={status}>
      {t(`assistant.status.${status}`)}
    </Badge>
  );
}

const PROGRESS: Record<JobStatus, number> = { queued: 15, running: 60, succeeded: 100, failed: 100, cancelled: 100 };

function JobFailure({ job }: { job: JobView }) {
  const { t } = useTranslation();
  // The offline provider's refusal to translate is expected, not a fault: say it in the
  // reader's language, and keep the worker's own words as detail.
  const offlineTranslate = job.kind === 'translate_revision' && job.provider === 'offline';
  return (
    <Alert role="alert" color="red" variant="light" icon={<IconAlertCircle aria-hidden />} title={t('assistant.job.failedTitle')}>
      <Stack gap={4}>
        {offlineTranslate && <Text size="sm">{t('assistant.job.offlineTranslate')}</Text>}
        {job.error && (
          <Text size="sm" c={offlineTranslate ? 'dimmed' : undefined}>
            {offlineTranslate ? t('assistant.job.serverSaid', { message: job.error }) : job.error}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

function JobProgress({ job, onReset }: { job: JobView; onReset: () => void }) {
  const { t } = useTranslation();
  const cancel = useCancelJob();
  const finished = isFinished(job.status);
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs" wrap="wrap">
            <Text fw={600}>{t(`assistant.kind.${job.kind}`)}</Text>
            <JobStatusBadge status={job.status} />
            <Text size="sm" c="dimmed">
              {t('assistant.job.attempts', { count: job.attempts })}
            </Text>
            {job.provider && <ProviderBadge provider={job.provider} model={job.model} />}
          </Group>
          <Group gap="xs">
            {job.status === 'queued' && (
              <Button
                size="xs"
                variant="light"
                color="red"
                leftSection={<IconX size={14} aria-hidden />}
                loading={cancel.isPending}
                onClick={() => {
                  cancel.mutate(job.id);
                }}
              >
                {t('assistant.job.cancel')}
              </Button>
            )}
            <Button size="xs" variant="default" leftSection={<IconPlus size={14} aria-hidden />} onClick={onReset}>
              {t('assistant.job.newRequest')}
            </Button>
          </Group>
        </Group>
        <Progress
          value={PROGRESS[job.status]}
          color={STATUS_COLOR[job.status]}
          animated={!finished}
          striped={!finished}
          aria-label={t('assistant.job.progress')}
        />
        <ProblemAlert error={cancel.error} />
        {job.status === 'failed' && <JobFailure job={job} />}
        {job.status === 'cancelled' && <Text size="sm">{t('assistant.job.cancelled')}</Text>}
      </Stack>
    </Paper>
  );
}

interface Props {
  id: string;
  onReset: () => void;
  /** The result, once the job succeeded. */
  children: (job: JobView) => ReactNode;
}

export function JobPanel({ id, onReset, children }: Props) {
  const { t } = useTranslation();
  const job = useQuery(jobQuery(id));
  return (
    <Stack gap="md">
      <ProblemAlert error={job.error} />
      {job.data ? (
        <>
          <JobProgress job={job.data} onReset={onReset} />
          {job.data.status === 'succeeded' && children(job.data)}
        </>
      ) : job.isPending ? (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      ) : (
        <Group>
          <Button variant="default" leftSection={<IconPlus size={16} aria-hidden />} onClick={onReset}>
            {t('assistant.job.newRequest')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
