// Who did what to this procedure, its revisions and its runs, oldest first, with the recorded
// before/after on demand.
import { Button, Center, Code, Collapse, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { AuditEvent } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useFormat } from './format';
import type { NameOf } from './people';
import { auditQuery } from './procedureApi';
import { LoadMore } from '../../components/LoadMore';

// i18next keys cannot hold dots: each recorded action maps to its label's key.
const ACTION_KEYS = {
  'procedure.created': 'procedureCreated',
  'procedure.imported': 'procedureImported',
  'procedure.assets_linked': 'procedureAssetsLinked',
  'procedure.archived': 'procedureArchived',
  'procedure.published': 'procedurePublished',
  'revision.created': 'revisionCreated',
  'revision.imported': 'revisionImported',
  'revision.updated': 'revisionUpdated',
  'revision.content_replaced': 'revisionContentReplaced',
  'revision.submitted': 'revisionSubmitted',
  'revision.approved': 'revisionApproved',
  'revision.rejected': 'revisionRejected',
  'revision.superseded': 'revisionSuperseded',
  'revision.archived': 'revisionArchived',
  'run.started': 'runStarted',
  'run.step_recorded': 'runStepRecorded',
  'run.completed': 'runCompleted',
} as const;

function actionLabel(action: string, t: TFunction): string {
  // An action added to the service later still shows, under its raw name.
  return Object.hasOwn(ACTION_KEYS, action)
    ? t(`procedure.audit.actions.${ACTION_KEYS[action as keyof typeof ACTION_KEYS]}`)
    : action;
}

/** The revision number an entry is about, when its recorded state says. */
function revisionNumber(event: AuditEvent): number | null {
  for (const state of [event.after, event.before] as unknown[]) {
    if (typeof state === 'object' && state !== null && 'number' in state && typeof state.number === 'number') {
      return state.number;
    }
  }
  return null;
}

function StateBlock({ label, state }: { label: string; state: unknown }) {
  const { t } = useTranslation();
  return (
    <div style={{ minWidth: 0 }}>
      <Text size="xs" fw={700}>
        {label}
      </Text>
      {state === null || state === undefined ? (
        <Text size="sm" c="dimmed">
          {t('procedure.diff.empty')}
        </Text>
      ) : (
        <Code block style={{ maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {JSON.stringify(state, null, 2)}
        </Code>
      )}
    </div>
  );
}

function AuditEntry({ event, nameOf }: { event: AuditEvent; nameOf: NameOf }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [opened, { toggle }] = useDisclosure(false);
  const number = revisionNumber(event);
  const detailsId = `audit-${event.seq}-details`;
  const hasDetails = event.before != null || event.after != null;
  return (
    <Paper withBorder p="sm" component="li" style={{ listStyle: 'none' }}>
      <Stack gap={4}>
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Text fw={600} size="sm">
            {actionLabel(event.action, t)}
            {event.entity_type === 'revision' && number !== null && (
              <Text span inherit fw={400}>
                {' · '}
                {t('procedure.revisionNumber', { number })}
              </Text>
            )}
          </Text>
          <Text size="xs" c="dimmed">
            <time dateTime={event.at}>{format.dateTime(event.at)}</time>
          </Text>
        </Group>
        <Text size="sm" c="dimmed">
          {t('procedure.audit.by', { name: nameOf(event.actor_id) })}
        </Text>
        {hasDetails && (
          <>
            <Group>
              <Button
                variant="subtle"
                size="compact-sm"
                px={4}
                leftSection={opened ? <IconChevronDown size={16} aria-hidden /> : <IconChevronRight size={16} aria-hidden />}
                aria-expanded={opened}
                aria-controls={detailsId}
                onClick={toggle}
              >
                {t('procedure.audit.details')}
              </Button>
            </Group>
            <Collapse in={opened} id={detailsId}>
              {opened && (
                <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                  <StateBlock label={t('procedure.diff.before')} state={event.before} />
                  <StateBlock label={t('procedure.diff.after')} state={event.after} />
                </SimpleGrid>
              )}
            </Collapse>
          </>
        )}
      </Stack>
    </Paper>
  );
}

export function AuditTrail({ procedureId, nameOf }: { procedureId: string; nameOf: NameOf }) {
  const { t } = useTranslation();
  const audit = useInfiniteQuery(auditQuery(procedureId));
  if (audit.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  // A failed first load leaves nothing to show; a failed next page keeps what was loaded.
  if (audit.isLoadingError) return <ProblemAlert error={audit.error} />;
  const events = audit.data.pages.flatMap((page) => page.items);
  // Each page names its actors; the page's own knowledge (you, reviewers) fills any gap.
  const actorNames = new Map(audit.data.pages.flatMap((page) => Object.entries(page.actor_names)));
  const actorName: NameOf = (userId) => actorNames.get(userId) ?? nameOf(userId);
  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        {t('procedure.audit.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('procedure.audit.intro')}
      </Text>
      {events.length === 0 ? (
        <Text c="dimmed">{t('procedure.audit.empty')}</Text>
      ) : (
        <Stack component="ol" gap="xs" p={0} m={0}>
          {events.map((event) => (
            <AuditEntry key={event.seq} event={event} nameOf={actorName} />
          ))}
        </Stack>
      )}
      <ProblemAlert error={audit.error} />
      <LoadMore pages={audit} />
    </Stack>
  );
}
