// Tells the reader when the revision shown is not the one in force, when a newer one waits,
// and, on a draft sent back, what the reviewer asked to change.
import { Alert, Anchor, Stack, Text } from '@mantine/core';
import { IconGitBranch, IconMessageCircleExclamation } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ProcedureView, RevisionView } from '../../api/types';

export function RevisionNotices({ procedure, revision }: { procedure: ProcedureView; revision: RevisionView }) {
  const { t } = useTranslation();
  const published = procedure.published_revision_number ?? null;
  const latest = procedure.latest_revision ?? null;
  const lastReview = revision.reviews.at(-1);
  const sentBack = revision.status === 'draft' && lastReview?.decision === 'rejected';

  const notPublished = published !== null && revision.number !== published;
  const newer = latest !== null && latest.number > revision.number && latest.number !== published ? latest : null;

  if (!notPublished && !newer && !sentBack) return null;
  return (
    <Stack gap="xs">
      {notPublished && (
        <Alert color="blue" variant="light" icon={<IconGitBranch aria-hidden />}>
          <Text size="sm">
            {t('procedure.notices.notPublished', {
              number: revision.number,
              status: t(`domain.status.${revision.status}`),
              published,
            })}{' '}
            <Anchor component={Link} to={`/procedures/${procedure.id}`} size="sm">
              {t('procedure.notices.openPublished')}
            </Anchor>
          </Text>
        </Alert>
      )}
      {newer && (
        <Alert color="yellow" variant="light" icon={<IconGitBranch aria-hidden />}>
          <Text size="sm">
            {t('procedure.notices.newer', { number: newer.number, status: t(`domain.status.${newer.status}`) })}{' '}
            <Anchor component={Link} to={`/procedures/${procedure.id}?revision=${newer.number}`} size="sm">
              {t('procedure.notices.openRevision', { number: newer.number })}
            </Anchor>
          </Text>
        </Alert>
      )}
      {sentBack && (
        <Alert
          color="orange"
          variant="light"
          icon={<IconMessageCircleExclamation aria-hidden />}
          title={t('procedure.notices.sentBack', { name: lastReview.reviewer_name })}
        >
          <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
            {lastReview.comment}
          </Text>
        </Alert>
      )}
    </Stack>
  );
}
