// One run: run mode for the technician while it is in progress, the report otherwise.
import { Center, Loader, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useCurrentUser } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { RunMode } from './RunMode';
import { RunReport } from './RunReport';
import { runQuery } from './runsApi';

export function RunScreen() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const me = useCurrentUser();
  const run = useQuery({
    ...runQuery(id),
    // A run being filled in on this device is the device's to change: do not let a refetch on
    // reconnect flicker results the queue is about to replace.
    refetchOnReconnect: false,
  });

  if (run.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (run.isError) return <RunError error={run.error} />;
  // Only the technician who started a run (or an admin) records it; others read it.
  const mine = run.data.technician_id === me.id || me.role === 'admin';
  if (run.data.status === 'in_progress' && mine) return <RunMode run={run.data} />;
  return <RunReport run={run.data} />;
}

function RunError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  usePageTitle(t('runs.report.unavailable'));
  return (
    <Stack>
      <Title order={1}>{t('runs.report.unavailable')}</Title>
      <ProblemAlert error={error} />
    </Stack>
  );
}
