// Making a team or changing its name and description (editors and admins): one form for both.
import { Button, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TeamView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useCreateTeam, useUpdateTeam } from './workApi';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** The team changed; a new one is made without it. */
  team?: TeamView | undefined;
  onCreated?: (team: TeamView) => void;
}

export function TeamFormModal({ opened, onClose, team, onCreated }: Props) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={team ? t('work.teams.editTitle', { name: team.name }) : t('work.teams.createTitle')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {/* Rendered only while open, so each opening starts from the team as it is now. */}
      <TeamForm team={team} onDone={onClose} onCreated={onCreated} />
    </Modal>
  );
}

function TeamForm({ team, onDone, onCreated }: { team: TeamView | undefined; onDone: () => void; onCreated: Props['onCreated'] }) {
  const { t } = useTranslation();
  const create = useCreateTeam();
  const update = useUpdateTeam(team?.id ?? '');
  const saving = team ? update : create;
  const form = useForm({
    initialValues: { name: team?.name ?? '', description: team?.description ?? '' },
    validate: { name: (value) => (value.trim() ? null : t('work.teams.nameRequired')) },
  });

  const submit = form.onSubmit((values) => {
    const body = { name: values.name.trim(), description: values.description.trim() };
    if (team) {
      update.mutate(body, {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t('work.teams.saved') });
          onDone();
        },
      });
    } else {
      create.mutate(body, {
        onSuccess: (made) => {
          notifications.show({ color: 'green', message: t('work.teams.created', { name: made.name }) });
          onDone();
          onCreated?.(made);
        },
      });
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <ProblemAlert error={saving.error} />
        <TextInput label={t('work.teams.name')} required maxLength={100} data-autofocus {...form.getInputProps('name')} />
        <Textarea label={t('work.teams.description')} maxLength={2000} autosize minRows={2} {...form.getInputProps('description')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={saving.isPending}>
            {team ? t('common.save') : t('work.teams.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
