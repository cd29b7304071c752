// Teams: every team with how many people are in it, each leading to its page; editors and
// admins make one here.
import { Badge, Button, Center, Group, Loader, Paper, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useCurrentUser } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { TeamFormModal } from './TeamForm';
import { teamsQuery } from './workApi';

export function TeamsScreen() {
  const { t } = useTranslation();
  usePageTitle(t('work.teams.title'));
  const navigate = useNavigate();
  const user = useCurrentUser();
  // Editors and admins change teams (the work service's rule); everyone reads them.
  const canManage = user.role === 'admin' || user.role === 'editor';
  const teams = useQuery(teamsQuery());
  const [creating, createModal] = useDisclosure(false);

  return (
    <Stack gap="lg" maw={720}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={1}>{t('work.teams.title')}</Title>
          <Text c="dimmed">{t('work.teams.intro')}</Text>
        </Stack>
        {canManage && (
          <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={createModal.open}>
            {t('work.teams.create')}
          </Button>
        )}
      </Group>
      {!canManage && (
        <Text size="sm" c="dimmed">
          {t('work.teams.managersOnly')}
        </Text>
      )}
      <ProblemAlert error={teams.error} />
      {teams.isPending && (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {teams.data?.length === 0 && (
        <Paper withBorder p="lg">
          <Text>{t('work.teams.empty')}</Text>
        </Paper>
      )}
      {teams.data?.map((team) => (
        <UnstyledButton key={team.id} component={Link} to={`/teams/${team.id}`} aria-label={team.name}>
          <Paper withBorder p="sm">
            <Stack gap={4}>
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                  {team.name}
                </Text>
                <Badge variant="light" style={{ flex: 'none' }}>
                  {t('work.teams.members', { count: team.members.length })}
                </Badge>
              </Group>
              {team.description && (
                <Text size="sm" c="dimmed" lineClamp={2}>
                  {team.description}
                </Text>
              )}
            </Stack>
          </Paper>
        </UnstyledButton>
      ))}
      {canManage && (
        <TeamFormModal
          opened={creating}
          onClose={createModal.close}
          onCreated={(team) => {
            void navigate(`/teams/${team.id}`);
          }}
        />
      )}
    </Stack>
  );
}
