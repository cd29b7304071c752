// A revision's lifecycle status as a coloured badge.
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RevisionStatus } from '../api/types';

const COLOR: Record<RevisionStatus, string> = {
  draft: 'gray',
  in_review: 'yellow',
  published: 'green',
  superseded: 'blue',
  archived: 'dark',
};

export function StatusBadge({ status }: { status: RevisionStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLOR[status]} variant="light" data-status={status}>
      {t(`domain.status.${status}`)}
    </Badge>
  );
}
