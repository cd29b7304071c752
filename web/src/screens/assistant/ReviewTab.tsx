// Safety review: a revision → findings, each linked to the steps it is about.
import { Anchor, Badge, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Finding, JobView, ReviewResult, StepView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { procedureQuery, revisionQuery, useCreateJob } from './assistantApi';
import { JobPanel } from './JobPanel';
import { ProcedurePicker, useRevisionChoice } from './ProcedurePicker';
import type { TabProps } from './tabs';

const SEVERITY_ORDER = ['high', 'medium', 'low'];
const SEVERITY_COLOR: Record<string, string> = { high: 'red', medium: 'orange', low: 'yellow' };
const KNOWN_SEVERITIES = ['high', 'medium', 'low'] as const;
const KNOWN_CATEGORIES = [
  'lockout_tagout',
  'zero_energy',
  'ppe',
  'reading_without_limits',
  'vague_value',
  'no_verification',
] as const;

function rank(severity: string): number {
  const index = SEVERITY_ORDER.indexOf(severity);
  return index === -1 ? SEVERITY_ORDER.length : index;
}

function ReviewForm({ onJob }: Pick<TabProps, 'onJob'>) {
  const { t } = useTranslation();
  const create = useCreateJob();
  const choice = useRevisionChoice();
  const [missing, setMissing] = useState(false);

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!choice.procedure || !choice.revision) {
          setMissing(true);
          return;
        }
        create.mutate(
          { kind: 'review_revision', procedure_id: choice.procedure.id, revision_number: choice.revision.number },
          { onSuccess: (job) => { onJob(job.id); } },
        );
      }}
    >
      <Stack gap="md" maw={760}>
        <div>
          <Title order={2}>{t('assistant.review.heading')}</Title>
          <Text c="dimmed" size="sm">
            {t('assistant.review.intro')}
          </Text>
        </div>
        <ProcedurePicker choice={choice} error={missing && !choice.procedure ? t('validation.required') : undefined} />
        <ProblemAlert error={create.error} />
        <Group>
          <Button type="submit" loading={create.isPending} leftSection={<IconShieldCheck size={18} aria-hidden />}>
            {t('assistant.review.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface FindingProps {
  finding: Finding;
  href: (step: StepView) => string;
  steps: Map<number, StepView>;
}

function FindingCard({ finding, href, steps }: FindingProps) {
  const { t } = useTranslation();
  const severity = (KNOWN_SEVERITIES as readonly string[]).includes(finding.severity)
    ? t(`assistant.review.severity.${finding.severity as (typeof KNOWN_SEVERITIES)[number]}`)
    : finding.severity;
  const category = (KNOWN_CATEGORIES as readonly string[]).includes(finding.category)
    ? t(`assistant.review.category.${finding.category as (typeof KNOWN_CATEGORIES)[number]}`)
    : finding.category;
  const concerned = finding.steps ?? [];
  return (
    <Paper
      component="li"
      withBorder
      p="md"
      radius="md"
      style={{ borderInlineStart: `4px solid var(--mantine-color-${SEVERITY_COLOR[finding.severity] ?? 'gray'}-6)` }}
    >
      <Stack gap="xs">
        <Group gap="xs" wrap="wrap">
          <Badge color={SEVERITY_COLOR[finding.severity] ?? 'gray'} variant="light">
            {severity}
          </Badge>
          <Text fw={600} component="h3" size="md" m={0}>
            {category}
          </Text>
        </Group>
        <Text size="sm">{finding.message}</Text>
        {concerned.length > 0 ? (
          <List size="sm" spacing={2}>
            {concerned.map((number) => {
              const step = steps.get(number);
              const text = t('assistant.review.stepLink', { number, title: step?.title ?? '' });
              return (
                <List.Item key={number}>
                  {step ? (
                    <Anchor component={Link} to={href(step)} size="sm">
                      {text}
                    </Anchor>
                  ) : (
                    text
                  )}
                </List.Item>
              );
            })}
          </List>
        ) : (
          <Text size="sm" c="dimmed">
            {t('assistant.review.whole')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function Findings({ job }: { job: JobView }) {
  const { t } = useTranslation();
  const input = job.input as unknown as { procedure_id: string; revision_number: number };
  const procedure = useQuery(procedureQuery(input.procedure_id));
  const revision = useQuery(revisionQuery(input.procedure_id, input.revision_number));
  const result = job.result as unknown as ReviewResult;

  const steps = new Map<number, StepView>();
  for (const section of revision.data?.content.sections ?? []) {
    for (const step of section.steps) steps.set(step.number, step);
  }
  const base = `/procedures/${input.procedure_id}`;
  const href = (step: StepView) => `${base}?revision=${input.revision_number}#step-${step.key}`;
  const findings = [...result.findings].sort((a, b) => rank(a.severity) - rank(b.severity));

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>
          {t('assistant.review.findings', {
            code: procedure.data?.code ?? '…',
            number: input.revision_number,
          })}
        </Title>
        <Anchor component={Link} to={`${base}?revision=${input.revision_number}`}>
          {t('assistant.review.open')}
        </Anchor>
      </Group>
      <ProblemAlert error={procedure.error ?? revision.error} />
      {findings.length === 0 ? (
        <Text>{t('assistant.review.none')}</Text>
      ) : (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }}>
          {findings.map((finding, index) => (
            <FindingCard key={`${finding.category}-${String(index)}`} finding={finding} href={href} steps={steps} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

export function ReviewTab({ jobId, onJob, onReset }: TabProps) {
  if (!jobId) return <ReviewForm onJob={onJob} />;
  return (
    <JobPanel id={jobId} onReset={onReset}>
      {(job) => <Findings job={job} />}
    </JobPanel>
  );
}
