// The report of a run: what was followed, by whom, on what, every step's result with flagged
// readings highlighted, notes, photos and the signature. Prints on A4 without the app frame.
import { Alert, Anchor, Badge, Box, Button, Group, Image, List, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconPrinter, IconShieldCheck } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFile } from '../../api/fileLinks';
import type { ResultView, RunView } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { FileThumb } from '../../components/FileThumb';
import { ProblemAlert } from '../../components/ProblemAlert';
import { Signatures } from '../../components/Signatures';
import { usePageTitle } from '../../components/usePageTitle';
import { OutcomeBadge } from './OutcomeBadge';
import { useAsset, useVerifyRun } from './runsApi';
import { formatValue, fromResult, limitMessage, limitProblem, runSteps, type RunStep } from './runSteps';
import classes from './runs.module.css';

export function RunReport({ run }: { run: RunView }) {
  const { t, i18n } = useTranslation();
  usePageTitle(t('runs.report.pageTitle', { code: run.procedure_code }));
  const asset = useAsset(run.asset_id);
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long', timeStyle: 'short' });
  const steps = runSteps(run);
  const results = new Map(run.results.map((r) => [r.step_id, r]));

  const facts: [string, ReactNode][] = [
    [t('runs.report.procedure'), <Anchor component={Link} to={`/procedures/${run.procedure_id}?revision=${run.revision_number}`}>{run.procedure_code} · {run.title}</Anchor>],
    [t('runs.report.revision'), t('runs.revision', { number: run.revision_number })],
    [
      t('runs.report.asset'),
      run.asset_id ? (asset.data ? `${asset.data.code} · ${asset.data.name}` : '…') : t('common.none'),
    ],
    [t('runs.report.technician'), run.technician_name],
    [t('runs.report.started'), date.format(new Date(run.started_at))],
    [t('runs.report.completed'), run.completed_at ? date.format(new Date(run.completed_at)) : t('runs.status.in_progress')],
  ];

  return (
    <Stack gap="lg" maw={960} className={classes.report}>
      <Group justify="space-between" align="flex-start">
        <div>
          <Text c="dimmed" fw={500}>
            {t('runs.report.kicker')}
          </Text>
          <Title order={1}>{run.title}</Title>
        </div>
        <Group gap="sm">
          <OutcomeBadge status={run.status} outcome={run.outcome} size="xl" />
          <Button
            className={classes.noPrint}
            variant="default"
            leftSection={<IconPrinter size={18} aria-hidden />}
            onClick={() => {
              window.print();
            }}
          >
            {t('common.print')}
          </Button>
        </Group>
      </Group>

      <Paper withBorder p="md" className={classes.keep}>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" verticalSpacing="xs" component="dl" m={0}>
          {facts.map(([label, value]) => (
            <div key={label}>
              <Text component="dt" size="sm" c="dimmed">
                {label}
              </Text>
              <Text component="dd" m={0} fw={500}>
                {value}
              </Text>
            </div>
          ))}
        </SimpleGrid>
      </Paper>

      {run.newer_revision && <NewerRevision run={run} />}

      {run.flagged.length > 0 && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          title={t('runs.report.flaggedTitle', { count: run.flagged.length })}
          className={classes.keep}
        >
          <List spacing={2}>
            {run.flagged.map((flag) => (
              <List.Item key={flag.step_id}>
                {t('runs.signOff.stepLink', { number: flag.number, title: flag.title })} —{' '}
                {t(flag.reason === 'failed' ? 'runs.report.reasonFailed' : 'runs.report.reasonOutOfLimit')}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}

      <Stack gap="sm" component="section" aria-labelledby="report-steps">
        <Title order={2} id="report-steps">
          {t('runs.report.steps')}
        </Title>
        {steps.map((step) => {
          const result = results.get(step.id);
          return <ReportStep key={step.id} step={step} result={result} />;
        })}
      </Stack>

      {run.status === 'completed' && (
        <Paper withBorder p="md" className={classes.keep} component="section" aria-labelledby="report-signoff">
          <Title order={2} id="report-signoff" mb="xs">
            {t('runs.report.signOff')}
          </Title>
          <Text>
            {t('runs.report.signedBy', {
              name: run.signoff_name ?? run.technician_name,
              date: run.signoff_at ? date.format(new Date(run.signoff_at)) : '',
            })}
          </Text>
          {run.signature_file_id && <SignatureImage fileId={run.signature_file_id} alt={t('runs.report.signatureOf', { name: run.signoff_name ?? '' })} />}
          <Box mt="sm">
            <Signatures signatures={run.signatures} />
          </Box>
          {run.verification === 'pending' && <Verify run={run} />}
        </Paper>
      )}
    </Stack>
  );
}

function ReportStep({ step, result }: { step: RunStep; result: ResultView | undefined }) {
  const { t, i18n } = useTranslation();
  const entry = result && fromResult(result);
  const problem = entry ? limitProblem(step, entry.value) : null;
  const flagged = result ? result.passed === false || result.out_of_limit : false;
  const text = entry ? formatValue(step, entry, t, i18n.language) : null;
  // Readings get the sentence in the reader's language; a failed check speaks for itself (badge
  // and note), other server remarks are shown as sent.
  const message = problem
    ? limitMessage(step, problem, t, i18n.language)
    : step.kind === 'pass_fail'
      ? null
      : (result?.message ?? null);
  return (
    <Paper
      withBorder
      p="sm"
      className={classes.keep}
      data-flagged={flagged || undefined}
      style={flagged ? { borderColor: 'var(--mantine-color-red-7)', borderWidth: 2, background: 'var(--mantine-color-red-0)' } : undefined}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Box miw={0}>
          <Text fw={600}>
            {step.number}. {step.title}
          </Text>
          <Text size="sm" c="dimmed">
            {step.sectionTitle ? `${step.sectionTitle} · ` : ''}
            {t(`domain.stepKind.${step.kind}`)}
            {step.required ? ` · ${t('domain.required')}` : ''}
          </Text>
        </Box>
        {flagged && (
          <Badge color="red" variant="filled" style={{ flexShrink: 0 }}>
            {t(result?.passed === false ? 'runs.report.reasonFailed' : 'runs.report.reasonOutOfLimit')}
          </Badge>
        )}
      </Group>
      {!result ? (
        <Text c="dimmed" mt={4}>
          {t('runs.report.noResult')}
        </Text>
      ) : (
        <Stack gap={6} mt={6}>
          {text && (
            <Text size="lg" fw={flagged ? 700 : 500} c={flagged ? 'red.9' : undefined}>
              {text}
            </Text>
          )}
          {flagged && message && (
            <Text fw={600} c="red.9">
              {message}
            </Text>
          )}
          {step.kind === 'signature' && typeof entry?.value === 'string' && (
            <SignatureImage fileId={entry.value} alt={step.title} />
          )}
          {result.note && (
            <Text>
              <Text span fw={600}>
                {t('runs.note.label')} :{' '}
              </Text>
              {result.note}
            </Text>
          )}
          {result.photo_ids.length > 0 && (
            <Group gap="sm">
              {result.photo_ids.map((id) => (
                <FileThumb key={id} fileId={id} size={140} />
              ))}
            </Group>
          )}
        </Stack>
      )}
    </Paper>
  );
}

/** Who may verify (anyone who runs procedures but its performer) gets the button; others the state. */
function Verify({ run }: { run: RunView }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const verify = useVerifyRun(run.id);
  const performer = run.signatures.some((s) => s.meaning === 'performed' && s.signer_id === user.id);
  const mayVerify = user.role !== 'viewer' && user.id !== run.technician_id && !performer;
  return (
    <Stack gap="xs" mt="sm">
      <Text c="orange.9" fw={500}>
        {t('runs.report.verificationPending')}
      </Text>
      {mayVerify && (
        <Box className={classes.noPrint}>
          <Text size="sm" mb={6}>
            {t('runs.report.verifyIntro')}
          </Text>
          <Button
            leftSection={<IconShieldCheck size={18} aria-hidden />}
            loading={verify.isPending}
            onClick={() => {
              verify.mutate(undefined, {
                onSuccess: () => notifications.show({ color: 'green', message: t('runs.report.verified') }),
              });
            }}
          >
            {t('runs.report.verify')}
          </Button>
          <Box mt="xs">
            <ProblemAlert error={verify.error} />
          </Box>
        </Box>
      )}
    </Stack>
  );
}

function SignatureImage({ fileId, alt }: { fileId: string; alt: string }) {
  const { data } = useFile(fileId);
  if (!data) return null;
  return <Image src={data.content_url} alt={alt} w={280} h={120} fit="contain" bg="white" mt="xs" radius="sm" style={{ border: '1px solid var(--mantine-color-default-border)' }} />;
}

function NewerRevision({ run }: { run: RunView }) {
  const { t } = useTranslation();
  const newer = run.newer_revision;
  if (!newer) return null;
  const { diff } = newer;
  const lines = [
    ...diff.added.map((s) => t('runs.report.diffAdded', { number: s.number, title: s.title })),
    ...diff.removed.map((s) => t('runs.report.diffRemoved', { number: s.number, title: s.title })),
    ...diff.changed.map((s) => t('runs.report.diffChanged', { number: s.to_number, title: s.title })),
    ...diff.moved.map((s) => t('runs.report.diffMoved', { from: s.from_number, to: s.to_number, title: s.title })),
  ];
  if (diff.fields.length > 0) lines.push(t('runs.report.diffFields', { count: diff.fields.length }));
  return (
    <Alert color="blue" variant="light" title={t('runs.report.newerTitle', { number: newer.number })} className={classes.keep}>
      <Text size="sm" mb={lines.length ? 4 : 0}>
        {t('runs.report.newerIntro', { followed: run.revision_number, number: newer.number })}
      </Text>
      {lines.length > 0 && (
        <List size="sm" spacing={2}>
          {lines.map((line) => (
            <List.Item key={line}>{line}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
