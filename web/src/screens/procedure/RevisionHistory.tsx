// Every revision the reader may see, newest first, with dates and review comments, and a
// comparison of any two of them.
import { Anchor, Badge, Center, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { IconCircleCheck, IconCircleX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { RevisionSummary, RevisionView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { StatusBadge } from '../../components/StatusBadge';
import { useFormat } from './format';
import type { NameOf } from './people';
import { revisionsQuery } from './procedureApi';
import { RevisionCompare } from './RevisionCompare';

type Review = RevisionView['reviews'][number];

function ReviewLine({ review }: { review: Review }) {
  const { t } = useTranslation();
  const format = useFormat();
  const approved = review.decision === 'approved';
  const Icon = approved ? IconCircleCheck : IconCircleX;
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Icon size={18} color={`var(--mantine-color-${approved ? 'green' : 'red'}-8)`} aria-hidden style={{ flexShrink: 0 }} />
      <div>
        <Text size="sm">
          {t(approved ? 'procedure.history.approvedBy' : 'procedure.history.rejectedBy', {
            name: review.reviewer_name,
            date: format.dateTime(review.created_at),
          })}
        </Text>
        {review.comment && (
          <Text size="sm" fs="italic" style={{ whiteSpace: 'pre-line' }}>
            {review.comment}
          </Text>
        )}
      </div>
    </Group>
  );
}

function RevisionCard({
  procedureId,
  summary,
  detail,
  nameOf,
  current,
}: {
  procedureId: string;
  summary: RevisionSummary;
  detail: RevisionView | undefined;
  nameOf: NameOf;
  current: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const dates = [
    ['created', summary.created_at],
    ['submitted', summary.submitted_at],
    ['published', summary.published_at],
    ['superseded', summary.superseded_at],
  ] as const;
  return (
    <Paper withBorder p="sm" component="li" style={{ listStyle: 'none' }}>
      <Stack gap={6}>
        <Group gap="xs">
          <Anchor component={Link} to={`/procedures/${procedureId}?revision=${summary.number}`} fw={600}>
            {t('procedure.revisionNumber', { number: summary.number })}
          </Anchor>
          <StatusBadge status={summary.status} />
          {current && (
            <Badge variant="outline" color="gray" tt="none">
              {t('procedure.history.shown')}
            </Badge>
          )}
        </Group>
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          {summary.title}
        </Text>
        <Text size="sm" c="dimmed">
          {t('procedure.history.author', { name: nameOf(summary.author_id) })}
        </Text>
        <Group gap="md" style={{ rowGap: 2 }}>
          {dates.map(([key, at]) =>
            at ? (
              <Text key={key} size="xs" c="dimmed">
                {t(`procedure.history.${key}`, { date: format.dateTime(at) })}
              </Text>
            ) : null,
          )}
        </Group>
        {detail?.reviews.map((review) => <ReviewLine key={review.id} review={review} />)}
      </Stack>
    </Paper>
  );
}

interface Props {
  procedureId: string;
  shownNumber: number;
  details: readonly (RevisionView | undefined)[];
  nameOf: NameOf;
}

export function RevisionHistory({ procedureId, shownNumber, details, nameOf }: Props) {
  const { t } = useTranslation();
  const revisions = useQuery(revisionsQuery(procedureId));
  if (revisions.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (revisions.isError) return <ProblemAlert error={revisions.error} />;
  const detailOf = (n: number) => details.find((detail) => detail?.number === n);

  return (
    <Stack gap="lg">
      <Stack gap="sm">
        <Title order={2} size="h3">
          {t('procedure.history.title')}
        </Title>
        <Stack component="ul" gap="sm" p={0} m={0}>
          {revisions.data.map((summary) => (
            <RevisionCard
              key={summary.id}
              procedureId={procedureId}
              summary={summary}
              detail={detailOf(summary.number)}
              nameOf={nameOf}
              current={summary.number === shownNumber}
            />
          ))}
        </Stack>
      </Stack>
      <RevisionCompare procedureId={procedureId} numbers={revisions.data.map((summary) => summary.number)} />
    </Stack>
  );
}
