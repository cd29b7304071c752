// Run history: every run, filtered by procedure, equipment, technician, dates, outcome and
// status (kept in the URL), newest first, a page at a time, each opening its report.
import { Anchor, Badge, Button, Center, Collapse, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconFilter } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { RunOutcome, RunStatus, RunSummary, Verification } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { OutcomeBadge } from './OutcomeBadge';
import { FILTER_KEYS, RunFilters, type FilterKey, type FilterValues } from './RunFilters';
import { runsQuery, useAsset, type RunFilters as ApiFilters } from './runsApi';
import { LoadMore } from '../../components/LoadMore';

/** Dates are days in the URL; the API takes instants, "to" exclusive, so the whole last day counts. */
function toApiFilters(values: FilterValues): ApiFilters {
  const { from, to, ...rest } = values;
  const day = (text: string, offset: number) => {
    const date = new Date(`${text}T00:00:00`);
    if (Number.isNaN(date.getTime())) return undefined;
    date.setDate(date.getDate() + offset);
    return date.toISOString();
  };
  // The URL may hold anything: an unknown outcome, status or verification filters nothing.
  const oneOf = <T extends string>(allowed: readonly T[], value: string | undefined): T | undefined =>
    allowed.find((candidate) => candidate === value);
  return {
    ...rest,
    outcome: oneOf<RunOutcome>(['passed', 'failed'], rest.outcome),
    status: oneOf<RunStatus>(['in_progress', 'completed'], rest.status),
    verification: oneOf<Verification>(['not_required', 'pending', 'verified'], rest.verification),
    from: from ? day(from, 0) : undefined,
    to: to ? day(to, 1) : undefined,
  };
}

export function RunsScreen() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('runs.title'));
  const [params, setParams] = useSearchParams();
  const values: FilterValues = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) values[key] = value;
  }
  const runs = useInfiniteQuery(runsQuery(toApiFilters(values)));
  const wide = useMediaQuery('(min-width: 48em)', undefined, { getInitialValueInEffect: false });
  const [filtersOpened, filters] = useDisclosure(false);
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });

  const change = (key: FilterKey, value: string | null) => {
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };

  const items = runs.data?.pages.flatMap((page) => page.items) ?? [];
  const active = Object.keys(values).length;

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t('runs.title')}</Title>
        <Text c="dimmed">{t('runs.intro')}</Text>
      </div>

      {!wide && (
        <Button
          variant="default"
          leftSection={<IconFilter size={18} aria-hidden />}
          onClick={filters.toggle}
          aria-expanded={filtersOpened}
          aria-controls="run-filters"
        >
          {active > 0 ? t('runs.filters.toggleActive', { count: active }) : t('runs.filters.toggle')}
        </Button>
      )}
      <Collapse in={wide || filtersOpened} id="run-filters">
        <RunFilters
          values={values}
          onChange={change}
          onReset={() => {
            setParams(new URLSearchParams(), { replace: true });
          }}
        />
      </Collapse>

      <ProblemAlert error={runs.error} />
      {runs.isPending ? (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      ) : items.length === 0 ? (
        <Text>{active > 0 ? t('runs.emptyFiltered') : t('runs.empty')}</Text>
      ) : wide ? (
        <Table.ScrollContainer minWidth={680}>
          <Table striped highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('runs.columns.started')}</Table.Th>
                <Table.Th scope="col">{t('runs.columns.procedure')}</Table.Th>
                <Table.Th scope="col">{t('runs.columns.asset')}</Table.Th>
                <Table.Th scope="col">{t('runs.columns.technician')}</Table.Th>
                <Table.Th scope="col" miw={150}>
                  {t('runs.columns.state')}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((run) => (
                <RunRow key={run.id} run={run} date={date} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        // A phone has no room for a table: one card per run, the same facts.
        <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {items.map((run) => (
            <RunCard key={run.id} run={run} date={date} />
          ))}
        </Stack>
      )}
      <LoadMore pages={runs} />
    </Stack>
  );
}

function useAssetLabel(id: string | null | undefined): string {
  const asset = useAsset(id);
  if (!id) return '—';
  return asset.data ? `${asset.data.code} · ${asset.data.name}` : '…';
}

function RunRow({ run, date }: { run: RunSummary; date: Intl.DateTimeFormat }) {
  const { t } = useTranslation();
  const asset = useAssetLabel(run.asset_id);
  return (
    <Table.Tr>
      <Table.Td>{date.format(new Date(run.started_at))}</Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/runs/${run.id}`} fw={600}>
          {run.title}
        </Anchor>
        <Text size="sm" c="dimmed">
          {run.procedure_code} · {t('runs.revision', { number: run.revision_number })}
        </Text>
      </Table.Td>
      <Table.Td>{asset}</Table.Td>
      <Table.Td>{run.technician_name}</Table.Td>
      <Table.Td>
        <Group gap={6}>
          <OutcomeBadge status={run.status} outcome={run.outcome} />
          <VerificationBadge run={run} />
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** A signed-off run waiting for its second person, or verified; nothing when not required. */
function VerificationBadge({ run }: { run: RunSummary }) {
  const { t } = useTranslation();
  if (run.verification === 'not_required' || (run.verification === 'pending' && run.status !== 'completed')) return null;
  return (
    <Badge variant="light" color={run.verification === 'verified' ? 'teal' : 'orange'}>
      {t(`runs.verification.${run.verification}`)}
    </Badge>
  );
}

function RunCard({ run, date }: { run: RunSummary; date: Intl.DateTimeFormat }) {
  const { t } = useTranslation();
  const asset = useAssetLabel(run.asset_id);
  return (
    <Paper component="li" withBorder p="sm" radius="md">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <Anchor component={Link} to={`/runs/${run.id}`} fw={600} miw={0}>
          {run.title}
        </Anchor>
        <Group gap={6} wrap="nowrap">
          <OutcomeBadge status={run.status} outcome={run.outcome} />
          <VerificationBadge run={run} />
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        {run.procedure_code} · {t('runs.revision', { number: run.revision_number })}
      </Text>
      <Text size="sm" mt={4}>
        {date.format(new Date(run.started_at))} · {run.technician_name}
      </Text>
      {run.asset_id && <Text size="sm">{asset}</Text>}
    </Paper>
  );
}
