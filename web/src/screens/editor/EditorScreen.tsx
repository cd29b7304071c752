// Writing a procedure: a new one (/procedures/new) or the latest draft of one
// (/procedures/:id/edit). A revision that is published or in review is not edited in place:
// a published one is the start of a new draft, one in review waits for its reviewer.
import { Alert, Anchor, Button, Center, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { IconPencilPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { ProcedureView, RevisionSummary } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { StatusBadge } from '../../components/StatusBadge';
import { usePageTitle } from '../../components/usePageTitle';
import { currentLanguage } from '../../i18n';
import { DraftEditor } from './DraftEditor';
import { EditorProblem } from './EditorProblem';
import { draftFromRevision, emptyDraft } from './draft';
import { procedureQuery, revisionQuery, useStartDraft } from './editorApi';

function Loading() {
  const { t } = useTranslation();
  return (
    <Center py="xl">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}

function NewProcedure() {
  const { t } = useTranslation();
  usePageTitle(t('editor.newTitle'));
  const [initial] = useState(() => emptyDraft(currentLanguage()));
  return <DraftEditor initial={initial} target={null} linked={[]} />;
}

function EditDraft({ procedure, latest }: { procedure: ProcedureView; latest: RevisionSummary }) {
  const revision = useQuery(revisionQuery(procedure.id, latest.number));
  if (revision.isPending) return <Loading />;
  if (revision.isError) return <EditorProblem error={revision.error} />;
  return (
    <DraftEditor
      key={revision.data.id}
      initial={draftFromRevision(revision.data, procedure.code, procedure.assets.map((asset) => asset.id))}
      target={{ id: procedure.id, code: procedure.code, number: latest.number }}
      linked={procedure.assets}
    />
  );
}

/** The latest revision is in review or published: say so, and offer a new draft when it can be. */
function NotADraft({ procedure, latest }: { procedure: ProcedureView; latest: RevisionSummary }) {
  const { t } = useTranslation();
  const start = useStartDraft();
  const inReview = latest.status === 'in_review';
  return (
    <Stack gap="lg" maw={720}>
      <div>
        <Group gap="xs">
          <Text c="dimmed" ff="monospace">
            {procedure.code}
          </Text>
          <Text c="dimmed">{t('editor.revision', { number: latest.number })}</Text>
          <StatusBadge status={latest.status} />
        </Group>
        <Title order={1}>{latest.title}</Title>
      </div>
      <EditorProblem error={start.error} />
      <Paper withBorder p="lg" radius="md">
        <Stack>
          <Text>
            {procedure.archived
              ? t('editor.notADraft.archived')
              : inReview
                ? t('editor.notADraft.inReview', { number: latest.number })
                : t('editor.notADraft.published', { number: latest.number })}
          </Text>
          <Group>
            {!procedure.archived && !inReview && (
              <Button
                leftSection={<IconPencilPlus size={18} aria-hidden />}
                loading={start.isPending}
                onClick={() => {
                  start.mutate(procedure.id);
                }}
              >
                {t('editor.notADraft.start')}
              </Button>
            )}
            <Anchor component={Link} to={`/procedures/${procedure.id}`}>
              {t('editor.notADraft.open')}
            </Anchor>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}

function EditProcedure({ id }: { id: string }) {
  const { t } = useTranslation();
  const procedure = useQuery(procedureQuery(id));
  usePageTitle(procedure.data ? t('editor.editTitle', { title: procedure.data.code }) : t('editor.title'));
  if (procedure.isPending) return <Loading />;
  if (procedure.isError) return <EditorProblem error={procedure.error} />;
  const latest = procedure.data.latest_revision;
  if (!latest) return <EditorProblem error={new Error('no revision')} />;
  if (latest.status === 'draft' && !procedure.data.archived) {
    return <EditDraft procedure={procedure.data} latest={latest} />;
  }
  return <NotADraft procedure={procedure.data} latest={latest} />;
}

function EditorsOnly() {
  const { t } = useTranslation();
  usePageTitle(t('editor.title'));
  return (
    <Stack maw={640}>
      <Title order={1}>{t('editor.title')}</Title>
      <Alert color="yellow" variant="light">
        {t('editor.editorsOnly')}
      </Alert>
    </Stack>
  );
}

export function EditorScreen() {
  const { id } = useParams();
  const user = useCurrentUser();
  if (user.role !== 'editor' && user.role !== 'admin') return <EditorsOnly />;
  return id ? <EditProcedure key={id} id={id} /> : <NewProcedure />;
}
