// The runs done on an asset, newest first, a page at a time.
import { Anchor, Badge, Center, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { RunSummary } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { assetRunsQuery } from './assetsApi';
import { LoadMore } from '../../components/LoadMore';

function RunOutcome({ run }: { run: RunSummary }) {
  const { t } = useTranslation();
  if (run.outcome === 'passed') return <Badge color="green" variant="light">{t('assets.outcome.passed')}</Badge>;
  if (run.outcome === 'failed') return <Badge color="red" variant="light">{t('assets.outcome.failed')}</Badge>;
  return <Badge color="yellow" variant="light">{t('assets.outcome.inProgress')}</Badge>;
}

export function AssetRuns({ assetId }: { assetId: string }) {
  const { t, i18n } = useTranslation();
  const runs = useInfiniteQuery(assetRunsQuery(assetId));
  const items = runs.data?.pages.flatMap((page) => page.items) ?? [];
  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <Stack gap="xs" component="section" aria-labelledby="asset-runs">
      <Title order={3} id="asset-runs">
        {t('assets.runs')}
      </Title>
      <ProblemAlert error={runs.error} />
      {runs.isPending && (
        <Center py="md">
          <Loader size="sm" aria-label={t('common.loading')} />
        </Center>
      )}
      {runs.isSuccess && items.length === 0 && <Text c="dimmed">{t('assets.runsEmpty')}</Text>}
      {items.length > 0 && (
        <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {items.map((run) => (
            <Paper component="li" key={run.id} withBorder px="sm" py="xs">
              <Group justify="space-between" wrap="nowrap" gap="sm" align="flex-start">
                <div style={{ minWidth: 0 }}>
                  <Anchor component={Link} to={`/runs/${run.id}`} fw={500}>
                    {dateFormat.format(new Date(run.started_at))}
                  </Anchor>
                  <Text size="sm">
                    <Text span ff="monospace" size="xs" c="dimmed">
                      {run.procedure_code}
                    </Text>{' '}
                    {run.title}
                  </Text>
                  <Text size="sm" c="dimmed">
                    {t('assets.runBy', { name: run.technician_name })}
                  </Text>
                </div>
                <div style={{ flex: 'none' }}>
                  <RunOutcome run={run} />
                </div>
              </Group>
            </Paper>
          ))}
        </Stack>
      )}
      <LoadMore pages={runs} />
    </Stack>
  );
}
