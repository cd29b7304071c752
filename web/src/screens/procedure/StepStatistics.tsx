// How technicians fared on each step of the published revision, so authors see which steps
// trouble them: failures, out-of-limit readings, notes, time spent.
import { Badge, Center, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { STEP_KINDS, type StepKind, type StepStats } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useFormat } from './format';
import { statsQuery } from './procedureApi';

/** Above this share of failures or out-of-limit readings, a step is worth a second look. */
const TROUBLE_RATE = 0.2;

const isStepKind = (value: string): value is StepKind => STEP_KINDS.includes(value as StepKind);

function Rate({ value }: { value: number | null | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (value == null) return <Text span c="dimmed">{t('procedure.stats.notApplicable')}</Text>;
  if (value < TROUBLE_RATE) return <>{format.percent(value)}</>;
  return (
    <Badge color="red" variant="light" tt="none" leftSection={<IconAlertTriangle size={14} aria-hidden />}>
      {t('procedure.stats.high', { rate: format.percent(value) })}
    </Badge>
  );
}

function StepRow({ step }: { step: StepStats }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Table.Tr>
      <Table.Td>{step.number}</Table.Td>
      <Table.Th scope="row" fw={500}>
        {step.title}
        <Text size="xs" c="dimmed">
          {isStepKind(step.kind) ? t(`domain.stepKind.${step.kind}`) : step.kind}
        </Text>
      </Table.Th>
      <Table.Td>{step.results}</Table.Td>
      <Table.Td>
        <Rate value={step.failure_rate} />
      </Table.Td>
      <Table.Td>
        <Rate value={step.out_of_limit_rate} />
      </Table.Td>
      <Table.Td>{step.notes}</Table.Td>
      <Table.Td>
        {step.median_seconds == null ? (
          <Text span c="dimmed">
            {t('procedure.stats.notApplicable')}
          </Text>
        ) : (
          format.duration(step.median_seconds)
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function StepStatistics({ procedureId, revisionNumber }: { procedureId: string; revisionNumber: number }) {
  const { t } = useTranslation();
  const stats = useQuery(statsQuery(procedureId, revisionNumber));
  if (stats.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (stats.isError) return <ProblemAlert error={stats.error} />;
  const { completed_runs: runs, steps } = stats.data;
  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        {t('procedure.stats.title', { number: revisionNumber })}
      </Title>
      <Text size="sm" c="dimmed">
        {runs === 0 ? t('procedure.stats.noRuns') : t('procedure.stats.runs', { count: runs })}
      </Text>
      {runs > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('procedure.stats.columns.number')}</Table.Th>
                <Table.Th scope="col">{t('procedure.stats.columns.step')}</Table.Th>
                <Table.Th scope="col">{t('procedure.stats.columns.results')}</Table.Th>
                <Table.Th scope="col">{t('procedure.stats.columns.failures')}</Table.Th>
                <Table.Th scope="col">{t('procedure.stats.columns.outOfLimit')}</Table.Th>
                <Table.Th scope="col">{t('procedure.stats.columns.notes')}</Table.Th>
                <Table.Th scope="col">{t('procedure.stats.columns.median')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {steps.map((step) => (
                <StepRow key={step.step_id} step={step} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
