// A procedure: the revision in force (or `?revision=n`), what the reader may do with it, its
// revisions and their differences, and for editors its audit trail and step statistics.
import { Anchor, Center, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconChartBar, IconHistory, IconListCheck, IconListDetails } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import type { ProcedureView, RevisionView } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { AuditTrail } from './AuditTrail';
import { parseRevision } from './format';
import { usePeople } from './people';
import { ProcedureActions } from './ProcedureActions';
import { ProcedureHeader } from './ProcedureHeader';
import { revisionsQuery, useRevisionDetails, useShownRevision } from './procedureApi';
import { RevisionContent } from './RevisionContent';
import { RevisionHistory } from './RevisionHistory';
import { RevisionNotices } from './RevisionNotices';
import { SafetyReview } from './SafetyReview';
import { StepStatistics } from './StepStatistics';

function ProcedureTabs({ procedure, revision }: { procedure: ProcedureView; revision: RevisionView }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const isEditor = me.role === 'editor' || me.role === 'admin';
  const revisions = useQuery(revisionsQuery(procedure.id));
  const details = useRevisionDetails(procedure.id, (revisions.data ?? []).map((summary) => summary.number));
  const detailData = details.map((query) => query.data);
  const nameOf = usePeople(detailData);
  const published = procedure.published_revision_number ?? null;

  return (
    <Tabs defaultValue="steps" keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="steps" leftSection={<IconListCheck size={16} aria-hidden />}>
          {t('procedure.tabs.steps')}
        </Tabs.Tab>
        <Tabs.Tab value="history" leftSection={<IconHistory size={16} aria-hidden />}>
          {t('procedure.tabs.history')}
        </Tabs.Tab>
        {isEditor && (
          <Tabs.Tab value="audit" leftSection={<IconListDetails size={16} aria-hidden />}>
            {t('procedure.tabs.audit')}
          </Tabs.Tab>
        )}
        {isEditor && published !== null && (
          <Tabs.Tab value="stats" leftSection={<IconChartBar size={16} aria-hidden />}>
            {t('procedure.tabs.stats')}
          </Tabs.Tab>
        )}
      </Tabs.List>
      <Tabs.Panel value="steps" pt="md">
        <RevisionContent revision={revision} />
      </Tabs.Panel>
      <Tabs.Panel value="history" pt="md">
        <RevisionHistory procedureId={procedure.id} shownNumber={revision.number} details={detailData} nameOf={nameOf} />
      </Tabs.Panel>
      {isEditor && (
        <Tabs.Panel value="audit" pt="md">
          <AuditTrail procedureId={procedure.id} nameOf={nameOf} />
        </Tabs.Panel>
      )}
      {isEditor && published !== null && (
        <Tabs.Panel value="stats" pt="md">
          <StepStatistics procedureId={procedure.id} revisionNumber={published} />
        </Tabs.Panel>
      )}
    </Tabs>
  );
}

/** A revision an editor may still change or approve, while another one is in force. */
function awaitsApproval(procedure: ProcedureView, revision: RevisionView): boolean {
  return (
    !procedure.archived &&
    procedure.published_revision_number != null &&
    procedure.published_revision_number !== revision.number &&
    (revision.status === 'draft' || revision.status === 'in_review')
  );
}

export function ProcedureScreen() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const requested = parseRevision(params.get('revision'));
  const { procedure, revision, error, isPending } = useShownRevision(id, requested);
  usePageTitle(procedure && revision ? `${procedure.code} · ${revision.title}` : t('procedure.title'));

  if (isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (error || !procedure || !revision) {
    return (
      <Stack gap="md" maw={640}>
        <Title order={1}>{t('procedure.title')}</Title>
        <ProblemAlert error={error} />
        {!error && <Text>{t('procedure.noRevision')}</Text>}
        <Anchor component={Link} to="/">
          {t('procedure.backToLibrary')}
        </Anchor>
      </Stack>
    );
  }
  return (
    <Stack gap="lg">
      <RevisionNotices procedure={procedure} revision={revision} />
      <ProcedureHeader procedure={procedure} revision={revision} />
      {awaitsApproval(procedure, revision) && <SafetyReview procedureId={procedure.id} revisionNumber={revision.number} />}
      <ProcedureActions procedure={procedure} revision={revision} requested={requested} />
      <ProcedureTabs procedure={procedure} revision={revision} />
    </Stack>
  );
}
