// My recent requests, newest first, each reopened in its own section.
import { Badge, Button, Center, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { JobView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { procedureQuery, recentJobsQuery } from './assistantApi';
import { JobStatusBadge } from './JobPanel';
import { TAB_OF_KIND } from './tabs';

interface AnyInput {
  prompt?: string | null;
  question?: string;
  file_ids?: string[];
  procedure_id?: string;
  revision_number?: number;
  language?: string;
  target_language?: string;
}

function RevisionSummary({ procedureId, number }: { procedureId: string; number: number }) {
  const { t } = useTranslation();
  const procedure = useQuery(procedureQuery(procedureId));
  return <>{t('assistant.history.revision', { code: procedure.data?.code ?? '…', number })}</>;
}

function JobSummary({ job }: { job: JobView }) {
  const { t } = useTranslation();
  const input = job.input as unknown as AnyInput;
  if (input.procedure_id && input.revision_number !== undefined) {
    return <RevisionSummary procedureId={input.procedure_id} number={input.revision_number} />;
  }
  const text = (input.question ?? input.prompt ?? '').trim().split('\n')[0];
  return <>{text !== undefined && text !== '' ? text : t('assistant.history.documents', { count: input.file_ids?.length ?? 0 })}</>;
}

function JobRow({ job }: { job: JobView }) {
  const { t, i18n } = useTranslation();
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <Paper component="li" withBorder p="sm" radius="md">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Stack gap={2} style={{ flex: '1 1 240px', minWidth: 0 }}>
          <Group gap="xs" wrap="wrap">
            <Badge variant="outline" color="gray">
              {t(`assistant.kind.${job.kind}`)}
            </Badge>
            <JobStatusBadge status={job.status} />
          </Group>
          <Text size="sm" fw={500} lineClamp={2} style={{ wordBreak: 'break-word' }}>
            <JobSummary job={job} />
          </Text>
          <Text size="xs" c="dimmed">
            {when.format(new Date(job.created_at))}
          </Text>
        </Stack>
        <Button component={Link} to={`?tab=${TAB_OF_KIND[job.kind]}&job=${job.id}`} variant="light" size="xs">
          {t('assistant.history.open')}
        </Button>
      </Group>
    </Paper>
  );
}

export function HistoryTab() {
  const { t } = useTranslation();
  const jobs = useQuery(recentJobsQuery);
  return (
    <Stack gap="md" maw={760}>
      <Title order={2}>{t('assistant.history.heading')}</Title>
      <ProblemAlert error={jobs.error} />
      {jobs.isPending ? (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      ) : (jobs.data ?? []).length === 0 ? (
        <Text c="dimmed">{t('assistant.history.empty')}</Text>
      ) : (
        <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: 'none' }}>
          {(jobs.data ?? []).map((job) => (
            <JobRow key={job.id} job={job} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
