// What the reader may do with the revision shown. The server enforces every rule; this only
// offers what the role and the revision's status allow.
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconDownload, IconEdit, IconPrinter, IconSend, IconShieldX, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { problemMessage } from '../../api/problem';
import type { ProcedureView, RevisionView } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { StartRunButton } from '../runs/StartRunButton';
import { useApproveRevision, useExportProcedure, useSubmitRevision } from './procedureApi';
import { RejectModal } from './RejectModal';
import { useSafetyFindingCount } from './SafetyReview';

interface Props {
  procedure: ProcedureView;
  revision: RevisionView;
  /** The revision asked for in the address, kept on the print link. */
  requested: number | null;
}

/** Approval refused: the four-eyes rule is the usual reason, and the reviewer must understand it. */
function ApproveRefused({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const forbidden = error instanceof ApiError && error.status === 403;
  return (
    <Alert role="alert" color="red" variant="light" icon={<IconShieldX aria-hidden />} title={t('procedure.review.approveRefused')}>
      <Text size="sm">{problemMessage(error, t)}</Text>
      {forbidden && <Text size="sm">{t('procedure.review.fourEyes')}</Text>}
    </Alert>
  );
}

export function ProcedureActions({ procedure, revision, requested }: Props) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const submit = useSubmitRevision(procedure.id);
  const approve = useApproveRevision(procedure.id);
  const exportJson = useExportProcedure(procedure.id);
  const [rejecting, rejectModal] = useDisclosure(false);

  const isEditor = me.role === 'editor' || me.role === 'admin';
  const canRun = (me.role === 'technician' || me.role === 'admin') && procedure.published_revision_number != null;
  const open = !procedure.archived;
  const inReview = isEditor && open && revision.status === 'in_review';
  const weakened = useSafetyFindingCount(procedure.id, revision.number, inReview && procedure.published_revision_number != null);

  const onSubmit = () => {
    submit.mutate(revision.number, {
      onSuccess: () => notifications.show({ color: 'green', message: t('procedure.review.submitted', { number: revision.number }) }),
    });
  };

  const onApprove = () => {
    approve.reset();
    modals.openConfirmModal({
      title: t('procedure.review.approveTitle', { number: revision.number }),
      children: (
        <Stack gap="xs">
          {weakened ? (
            <Text size="sm" c="orange.8" fw={600}>
              {t('procedure.safety.approveWarning', { count: weakened })}
            </Text>
          ) : null}
          <Text size="sm">{t('procedure.review.approveBody')}</Text>
        </Stack>
      ),
      labels: { confirm: t('procedure.review.approve'), cancel: t('common.cancel') },
      confirmProps: { color: 'green' },
      onConfirm: () => {
        approve.mutate(revision.number, {
          onSuccess: () => notifications.show({ color: 'green', message: t('procedure.review.approved', { number: revision.number }) }),
        });
      },
    });
  };

  const printQuery = requested === null ? '' : `?revision=${requested}`;

  return (
    <Stack gap="sm">
      <Group gap="sm">
        {isEditor && open && (
          <Button component={Link} to={`/procedures/${procedure.id}/edit`} leftSection={<IconEdit size={18} aria-hidden />}>
            {t('common.edit')}
          </Button>
        )}
        {isEditor && open && revision.status === 'draft' && (
          <Button variant="light" leftSection={<IconSend size={18} aria-hidden />} loading={submit.isPending} onClick={onSubmit}>
            {t('procedure.review.submit')}
          </Button>
        )}
        {inReview && (
          <>
            <Button color="green" leftSection={<IconCheck size={18} aria-hidden />} loading={approve.isPending} onClick={onApprove}>
              {t('procedure.review.approve')}
            </Button>
            <Button color="red" variant="light" leftSection={<IconX size={18} aria-hidden />} onClick={rejectModal.open}>
              {t('procedure.review.reject')}
            </Button>
          </>
        )}
        {canRun && open && <StartRunButton procedureId={procedure.id} />}
        <Button
          variant="default"
          leftSection={<IconDownload size={18} aria-hidden />}
          loading={exportJson.isPending}
          onClick={() => {
            // Readers may only export the published revision; editors export the one shown.
            exportJson.mutate({ code: procedure.code, revision: isEditor ? revision.number : null });
          }}
        >
          {t('procedure.exportJson')}
        </Button>
        <Button
          variant="default"
          component={Link}
          to={`/procedures/${procedure.id}/print${printQuery}`}
          leftSection={<IconPrinter size={18} aria-hidden />}
        >
          {t('common.print')}
        </Button>
      </Group>
      <ProblemAlert error={submit.error ?? exportJson.error} />
      <ApproveRefused error={approve.error} />
      <RejectModal
        procedureId={procedure.id}
        revisionNumber={revision.number}
        opened={rejecting}
        onClose={rejectModal.close}
        onRejected={() => {
          rejectModal.close();
          notifications.show({ color: 'green', message: t('procedure.review.rejected', { number: revision.number }) });
        }}
      />
    </Stack>
  );
}
