// Boards: the work orders by status column (proposed, open, in progress, done in the last 14
// days) for a team, a site, a person or a priority, all kept in the address so a board can be
// bookmarked; columns side by side on a desktop, one at a time on a phone. `?view=compliance`
// shows the preventive compliance instead.
import { Anchor, Button, Center, Group, Loader, NativeSelect, Paper, SegmentedControl, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconFilterOff } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { BoardColumn, OrderStatus, Priority } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { CompliancePanel } from './CompliancePanel';
import { OrderCard } from './OrderCard';
import { useAssigneeOptions, useSiteOptions, useTeamOptions, type Option } from './pickers';
import { boardQuery, teamsQuery, type BoardFilter } from './workApi';

const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'normal', 'low'];
const FILTERS = ['team', 'site', 'assignee', 'priority'] as const;

/** The board's filters as the address holds them (an unknown priority is left out). */
function filterOf(params: URLSearchParams): BoardFilter {
  const filter: BoardFilter = {};
  for (const key of ['team', 'site', 'assignee'] as const) {
    const value = params.get(key);
    if (value) filter[key] = value;
  }
  const priority = params.get('priority');
  if (PRIORITIES.includes(priority as Priority)) filter.priority = priority as Priority;
  return filter;
}

function Filters({ filter, onChange }: { filter: BoardFilter; onChange: (key: (typeof FILTERS)[number], value: string) => void }) {
  const { t } = useTranslation();
  const teams = useTeamOptions();
  const sites = useSiteOptions();
  const assignees = useAssigneeOptions();
  const all = { value: '', label: t('common.all') };
  const select = (key: (typeof FILTERS)[number], options: Option[]) => (
    <NativeSelect
      label={t(`work.board.${key}`)}
      value={filter[key] ?? ''}
      data={[all, ...options]}
      onChange={(event) => {
        onChange(key, event.currentTarget.value);
      }}
    />
  );
  return (
    <Stack gap="xs" component="section" aria-label={t('work.board.filters')}>
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
        {select('team', teams.options)}
        {select('site', sites.options)}
        {select('assignee', assignees.options)}
        {select('priority', PRIORITIES.map((priority) => ({ value: priority, label: t(`work.priority.${priority}`) })))}
      </SimpleGrid>
      <ProblemAlert error={teams.error ?? sites.error ?? assignees.error} />
    </Stack>
  );
}

function Column({ column }: { column: BoardColumn }) {
  const { t } = useTranslation();
  const id = `board-${column.status}`;
  return (
    <Stack gap="xs" component="section" aria-labelledby={id} data-status={column.status}>
      <Title order={2} size="h4" id={id}>
        {t(`work.board.column.${column.status as Exclude<OrderStatus, 'cancelled'>}`)} ({column.total})
      </Title>
      {column.orders.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('work.board.empty')}
        </Text>
      )}
      {column.orders.map((order) => (
        <OrderCard key={order.id} order={order} showPeople />
      ))}
      {column.total > column.orders.length && (
        <Text size="sm" c="dimmed">
          {t('work.board.shown', { shown: column.orders.length, total: column.total })}
        </Text>
      )}
    </Stack>
  );
}

function Board({ filter }: { filter: BoardFilter }) {
  const { t } = useTranslation();
  const board = useQuery(boardQuery(filter));
  // 48em is Mantine's `sm` breakpoint, where the navigation becomes a drawer.
  const isPhone = useMediaQuery('(max-width: 47.99em)');
  const [shown, setShown] = useState<OrderStatus>('open');
  const columns = board.data?.columns ?? [];
  const current = columns.find((column) => column.status === shown) ?? columns[0];
  return (
    <Stack gap="md">
      <ProblemAlert error={board.error} />
      {board.isPending && (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {isPhone && current && (
        <>
          <SegmentedControl
            fullWidth
            size="xs"
            aria-label={t('work.board.columns')}
            value={current.status}
            onChange={(value) => {
              setShown(value as OrderStatus);
            }}
            data={columns.map((column) => ({
              value: column.status,
              label: (
                <Stack gap={0} align="center">
                  <span>{t(`work.status.${column.status}`)}</span>
                  <span>{column.total}</span>
                </Stack>
              ),
            }))}
          />
          <Column column={current} />
        </>
      )}
      {!isPhone && columns.length > 0 && (
        <SimpleGrid cols={{ base: 2, lg: 4 }} spacing="md">
          {columns.map((column) => (
            <Paper key={column.status} bg="gray.0" p="sm" radius="md">
              <Column column={column} />
            </Paper>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

export function BoardScreen() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filter = filterOf(params);
  const view = params.get('view') === 'compliance' ? 'compliance' : 'board';
  const teams = useQuery(teamsQuery());
  const team = filter.team ? teams.data?.find((entry) => entry.id === filter.team) : undefined;
  const title = team ? t('work.board.teamTitle', { name: team.name }) : t('work.board.title');
  usePageTitle(title);

  const change = (key: string, value: string | null) => {
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
  const filtered = FILTERS.some((key) => filter[key]);

  return (
    <Stack gap="lg">
      <Stack gap={4} maw={820}>
        <Title order={1}>{title}</Title>
        <Text c="dimmed">{t('work.board.intro')}</Text>
        {team && (
          <Anchor component={Link} to={`/teams/${team.id}`} size="sm">
            {t('work.board.teamPage', { name: team.name })}
          </Anchor>
        )}
      </Stack>
      <Tabs
        value={view}
        onChange={(value) => {
          change('view', value === 'compliance' ? value : null);
        }}
      >
        <Tabs.List>
          <Tabs.Tab value="board">{t('work.board.tabs.board')}</Tabs.Tab>
          <Tabs.Tab value="compliance">{t('work.board.tabs.compliance')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="board" pt="md">
          <Stack gap="md">
            <Filters filter={filter} onChange={change} />
            {filtered && (
              <Group>
                <Button
                  size="xs"
                  variant="default"
                  leftSection={<IconFilterOff size={14} aria-hidden />}
                  onClick={() => {
                    setParams({}, { replace: true });
                  }}
                >
                  {t('work.board.clear')}
                </Button>
              </Group>
            )}
            <Board filter={filter} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="compliance" pt="md">
          {view === 'compliance' && (
            <CompliancePanel
              site={filter.site ?? null}
              months={params.get('months')}
              onChange={change}
            />
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
