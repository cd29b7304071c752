// One team: its description, its board, and who is in it; editors and admins rename it and
// add or remove members.
import { Anchor, Badge, Button, Center, Group, Loader, NativeSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconLayoutKanban, IconPencil, IconTrash, IconUserMinus, IconUserPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { problemMessage } from '../../api/problem';
import type { Person, TeamView } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { TeamFormModal } from './TeamForm';
import { peopleQuery, teamQuery, useDeleteTeam, useTeamMember } from './workApi';

function AddMember({ team, onAdd, busy }: { team: TeamView; onAdd: (person: Person) => void; busy: boolean }) {
  const { t } = useTranslation();
  const people = useQuery(peopleQuery());
  const [chosen, setChosen] = useState('');
  const candidates = (people.data ?? []).filter((person) => !team.members.some((member) => member.id === person.id));
  const person = candidates.find((candidate) => candidate.id === chosen);
  if (people.isError) return <ProblemAlert error={people.error} />;
  if (people.data && candidates.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('work.teams.noneToAdd')}
      </Text>
    );
  }
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (person) {
          onAdd(person);
          setChosen('');
        }
      }}
    >
      <Group align="flex-end" gap="sm">
        <NativeSelect
          label={t('work.teams.person')}
          value={chosen}
          onChange={(event) => {
            setChosen(event.currentTarget.value);
          }}
          data={[
            { value: '', label: t('work.teams.choose') },
            ...candidates.map((candidate) => ({ value: candidate.id, label: `${candidate.display_name} (${t(`roles.${candidate.role}`)})` })),
          ]}
          style={{ flex: '1 1 14rem' }}
        />
        <Button type="submit" leftSection={<IconUserPlus size={18} aria-hidden />} disabled={!person} loading={busy}>
          {t('work.teams.add')}
        </Button>
      </Group>
    </form>
  );
}

function Members({ team, canManage }: { team: TeamView; canManage: boolean }) {
  const { t } = useTranslation();
  const member = useTeamMember(team.id);
  const change = (person: Pick<Person, 'id' | 'display_name'>, add: boolean) => {
    member.mutate(
      { userId: person.id, add },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t(add ? 'work.teams.added' : 'work.teams.removed', { name: person.display_name }) });
        },
      },
    );
  };
  return (
    <Stack gap="sm" component="section" aria-labelledby="team-members">
      <Title order={2} size="h3" id="team-members">
        {t('work.teams.membersTitle')} ({team.members.length})
      </Title>
      <ProblemAlert error={member.error} />
      {team.members.length === 0 && <Text c="dimmed">{t('work.teams.noMembers')}</Text>}
      {team.members.length > 0 && (
        <Stack gap="xs" component="ul" aria-labelledby="team-members" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {team.members.map((person) => (
            <Paper key={person.id} withBorder p="sm" component="li">
              <Group justify="space-between" wrap="nowrap" gap="sm">
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                    {person.display_name}
                  </Text>
                  <Group gap={6}>
                    <Badge variant="light" color="gray" size="sm">
                      {t(`roles.${person.role}`)}
                    </Badge>
                    {/* The API gives emails only to those who assign work. */}
                    {person.email && (
                      <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                        {person.email}
                      </Text>
                    )}
                  </Group>
                </Stack>
                {canManage && (
                  <Button
                    size="xs"
                    variant="light"
                    color="red"
                    leftSection={<IconUserMinus size={14} aria-hidden />}
                    aria-label={t('work.teams.removeLabel', { name: person.display_name })}
                    disabled={member.isPending}
                    onClick={() => {
                      change(person, false);
                    }}
                    style={{ flex: 'none' }}
                  >
                    {t('work.teams.remove')}
                  </Button>
                )}
              </Group>
            </Paper>
          ))}
        </Stack>
      )}
      {canManage && (
        <Stack gap="xs" component="section" aria-labelledby="team-add">
          <Title order={3} size="h5" id="team-add">
            {t('work.teams.addMember')}
          </Title>
          <AddMember
            team={team}
            busy={member.isPending}
            onAdd={(person) => {
              change(person, true);
            }}
          />
        </Stack>
      )}
    </Stack>
  );
}

export function TeamScreen() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const user = useCurrentUser();
  // Editors and admins change teams (the work service's rule); everyone reads them.
  const canManage = user.role === 'admin' || user.role === 'editor';
  const team = useQuery(teamQuery(id));
  usePageTitle(team.data?.name ?? t('work.teams.title'));
  const [editing, editModal] = useDisclosure(false);
  const remove = useDeleteTeam(id);
  const navigate = useNavigate();

  const confirmDelete = (name: string) => {
    modals.openConfirmModal({
      title: t('work.teams.deleteTitle', { name }),
      children: <Text size="sm">{t('work.teams.deleteBody')}</Text>,
      labels: { confirm: t('common.delete'), cancel: t('common.cancel') },
      confirmProps: { color: 'red' },
      onConfirm: () => {
        remove.mutate(undefined, {
          onSuccess: () => {
            notifications.show({ color: 'green', message: t('work.teams.deleted', { name }) });
            void navigate('/teams');
          },
          onError: (error) => {
            notifications.show({ color: 'red', title: t('errors.title'), message: problemMessage(error, t) });
          },
        });
      },
    });
  };

  return (
    <Stack gap="lg" maw={720}>
      <Anchor component={Link} to="/teams" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={16} aria-hidden />
          {t('work.teams.all')}
        </Group>
      </Anchor>
      <ProblemAlert error={team.error} />
      {team.isPending && (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {team.data && (
        <>
          <Group justify="space-between" align="flex-end">
            <Stack gap={4} style={{ minWidth: 0 }}>
              <Title order={1} style={{ overflowWrap: 'anywhere' }}>
                {team.data.name}
              </Title>
              {team.data.description && <Text c="dimmed">{team.data.description}</Text>}
            </Stack>
            <Group gap="sm">
              <Button component={Link} to={`/board?team=${team.data.id}`} variant="light" leftSection={<IconLayoutKanban size={18} aria-hidden />}>
                {t('work.teams.board')}
              </Button>
              {canManage && (
                <Button variant="default" leftSection={<IconPencil size={18} aria-hidden />} onClick={editModal.open}>
                  {t('work.teams.edit')}
                </Button>
              )}
              {canManage && (
                <Button
                  variant="light"
                  color="red"
                  loading={remove.isPending}
                  leftSection={<IconTrash size={18} aria-hidden />}
                  onClick={() => {
                    confirmDelete(team.data.name);
                  }}
                >
                  {t('work.teams.delete')}
                </Button>
              )}
            </Group>
          </Group>
          <Members team={team.data} canManage={canManage} />
          {canManage && <TeamFormModal opened={editing} onClose={editModal.close} team={team.data} />}
        </>
      )}
    </Stack>
  );
}
