// Create a user; the temporary password is shown once, with a copy button.
import { Button, Group, Modal, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role } from '../../api/client';
import { validateEmail, validateRequired } from '../../auth/validation';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SecretField } from '../../components/SecretField';
import { useCreateUser } from './usersApi';

interface Props {
  opened: boolean;
  onClose: () => void;
}

export function CreateUserModal({ opened, onClose }: Props) {
  const { t } = useTranslation();
  const create = useCreateUser();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '', display_name: '', role: 'technician' as Role },
    validate: { email: validateEmail(t), display_name: validateRequired(t) },
  });

  // The temporary password must not survive the modal: it is shown once. Cleared after
  // the closing animation, or the form would flash back while the modal fades out.
  const clear = () => {
    create.reset();
    form.reset();
  };

  const created = create.data;
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={clear}
      title={created ? t('users.createdTitle') : t('users.createTitle')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {created ? (
        <Stack>
          <Text>{t('users.createdIntro', { name: created.user.display_name })}</Text>
          <SecretField label={t('fields.temporaryPassword')} value={created.temporary_password} />
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('common.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={form.onSubmit((values) => {
            create.mutate({ ...values, email: values.email.trim(), display_name: values.display_name.trim() });
          })}
          noValidate
        >
          <Stack>
            <Text size="sm" c="dimmed">
              {t('users.createIntro')}
            </Text>
            <ProblemAlert error={create.error} />
            <TextInput
              label={t('fields.email')}
              type="email"
              autoComplete="off"
              required
              data-autofocus
              key={form.key('email')}
              {...form.getInputProps('email')}
            />
            <TextInput
              label={t('fields.displayName')}
              autoComplete="off"
              required
              key={form.key('display_name')}
              {...form.getInputProps('display_name')}
            />
            <NativeSelect
              label={t('fields.role')}
              data={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
              key={form.key('role')}
              {...form.getInputProps('role')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('users.createSubmit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
