// Who, what and with what: code, title, status, language, tags, assets, duration, description,
// the tools, parts and protective equipment to bring, and the approval's signature.
import { Anchor, Badge, Group, List, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconClock, IconHelmet, IconPackage, IconTool } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ProcedureView, RevisionView } from '../../api/types';
import { Signatures } from '../../components/Signatures';
import { StatusBadge } from '../../components/StatusBadge';

function Requirement({ icon, title, items }: { icon: ReactNode; title: string; items: readonly string[] }) {
  return (
    <Paper withBorder p="sm">
      <Group gap={6} mb={4} wrap="nowrap">
        {icon}
        <Title order={2} size="h5">
          {title}
        </Title>
      </Group>
      <List size="sm" spacing={2}>
        {items.map((item) => (
          <List.Item key={item}>{item}</List.Item>
        ))}
      </List>
    </Paper>
  );
}

export function ProcedureHeader({ procedure, revision }: { procedure: ProcedureView; revision: RevisionView }) {
  const { t } = useTranslation();
  const requirements = [
    { key: 'tools', icon: <IconTool size={18} aria-hidden />, items: revision.tools },
    { key: 'parts', icon: <IconPackage size={18} aria-hidden />, items: revision.parts },
    { key: 'ppe', icon: <IconHelmet size={18} aria-hidden />, items: revision.ppe },
  ] as const;
  const shown = requirements.filter((requirement) => requirement.items.length > 0);

  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Text ff="monospace" fw={600}>
          {procedure.code}
        </Text>
        <StatusBadge status={revision.status} />
        <Text size="sm" c="dimmed">
          {t('procedure.revisionNumber', { number: revision.number })}
        </Text>
        {procedure.archived && (
          <Badge color="dark" variant="outline">
            {t('procedure.archived')}
          </Badge>
        )}
      </Group>
      <Title order={1} style={{ overflowWrap: 'anywhere' }}>
        {revision.title}
      </Title>
      <Group gap="md" style={{ rowGap: 4 }}>
        <Text size="sm">
          <Text span c="dimmed">
            {t('procedure.language')}
          </Text>{' '}
          <span lang={revision.language}>{revision.language.toUpperCase()}</span>
        </Text>
        {revision.estimated_minutes != null && (
          <Group gap={4} wrap="nowrap">
            <IconClock size={16} aria-hidden />
            <Text size="sm">
              <Text span c="dimmed">
                {t('procedure.duration')}
              </Text>{' '}
              {t('common.minutes', { count: revision.estimated_minutes })}
            </Text>
          </Group>
        )}
      </Group>
      {revision.tags.length > 0 && (
        <Group gap={6} aria-label={t('procedure.tags')} role="group">
          {revision.tags.map((tag) => (
            <Badge key={tag} variant="light" color="gray" tt="none">
              {tag}
            </Badge>
          ))}
        </Group>
      )}
      {procedure.assets.length > 0 && (
        <Group gap="xs" style={{ rowGap: 4 }}>
          <Text size="sm" c="dimmed">
            {t('procedure.assets')}
          </Text>
          {procedure.assets.map((asset) => (
            <Anchor key={asset.id} component={Link} to={`/assets/${asset.id}`} size="sm">
              <Text span ff="monospace" inherit>
                {asset.code}
              </Text>{' '}
              {asset.name}
            </Anchor>
          ))}
        </Group>
      )}
      {revision.description.trim() && (
        <Text style={{ whiteSpace: 'pre-line' }} maw={800}>
          {revision.description}
        </Text>
      )}
      {shown.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          {shown.map((requirement) => (
            <Requirement
              key={requirement.key}
              icon={requirement.icon}
              title={t(`procedure.requirements.${requirement.key}`)}
              items={requirement.items}
            />
          ))}
        </SimpleGrid>
      )}
      <Signatures signatures={revision.signatures} />
    </Stack>
  );
}
