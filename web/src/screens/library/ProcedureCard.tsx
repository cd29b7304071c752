// A procedure as a card: code, title, status, duration, linked assets and tags.
import { Anchor, Badge, Card, Group, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconBuildingFactory2, IconClock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ProcedureSummary } from '../../api/types';
import { StatusBadge } from '../../components/StatusBadge';
import classes from './Library.module.css';

interface Props {
  procedure: ProcedureSummary;
  onTag: (tag: string) => void;
}

export function ProcedureCard({ procedure, onTag }: Props) {
  const { t } = useTranslation();
  return (
    <Card component="article" withBorder padding="md" className={classes.card}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="sm" ff="monospace" c="dimmed" truncate>
            {procedure.code}
          </Text>
          <StatusBadge status={procedure.status} />
        </Group>
        <Title order={2} size="h4">
          <Anchor component={Link} to={`/procedures/${procedure.id}`} c="inherit" className={classes.titleLink}>
            {procedure.title}
          </Anchor>
        </Title>
        <Group gap="md" c="dimmed">
          {procedure.estimated_minutes != null && (
            <Group gap={4} wrap="nowrap">
              <IconClock size={16} aria-hidden />
              <Text size="sm">
                <VisuallyHidden>{t('library.card.duration')} </VisuallyHidden>
                {t('common.minutes', { count: procedure.estimated_minutes })}
              </Text>
            </Group>
          )}
          {procedure.assets.length > 0 && (
            <Group gap={4} wrap="nowrap" style={{ minWidth: 0 }}>
              <IconBuildingFactory2 size={16} aria-hidden style={{ flex: 'none' }} />
              <VisuallyHidden>{t('library.card.assets')} </VisuallyHidden>
              <Text size="sm" truncate>
                {procedure.assets.map((asset) => asset.name).join(', ')}
              </Text>
            </Group>
          )}
        </Group>
        {procedure.tags.length > 0 && (
          <Group gap={6} className={classes.above}>
            {procedure.tags.map((tag) => (
              <Badge
                key={tag}
                component="button"
                type="button"
                variant="outline"
                color="gray"
                tt="none"
                style={{ cursor: 'pointer' }}
                aria-label={t('library.card.filterByTag', { tag })}
                onClick={() => {
                  onTag(tag);
                }}
              >
                {tag}
              </Badge>
            ))}
          </Group>
        )}
      </Stack>
    </Card>
  );
}
