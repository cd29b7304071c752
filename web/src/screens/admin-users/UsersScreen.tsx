// Admin: list users, create them, change their role, deactivate or reactivate them.
import {
  Badge,
  Button,
  Center,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconUserPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role, type User } from '../../api/client';
import { problemMessage } from '../../api/problem';
import { useCurrentUser } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { CreateUserModal } from './CreateUserModal';
import { useUpdateUser, usersQuery, type UpdateUser } from './usersApi';
import { usePageTitle } from '../../components/usePageTitle';

export function UsersScreen() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('users.title'));
  const me = useCurrentUser();
  const users = useQuery(usersQuery);
  const update = useUpdateUser(me.id);
  const [creating, createModal] = useDisclosure(false);

  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });

  const apply = (user: User, changes: UpdateUser, success: string) => {
    update.mutate(
      { id: user.id, changes },
      {
        onSuccess: () => notifications.show({ color: 'green', message: success }),
        onError: (error) =>
          notifications.show({ color: 'red', title: t('errors.title'), message: problemMessage(error, t) }),
      },
    );
  };

  const changeRole = (user: User, role: Role) => {
    apply(user, { role }, t('users.roleChanged', { name: user.display_name, role: t(`roles.${role}`) }));
  };

  const toggleActive = (user: User) => {
    const deactivating = user.is_active;
    modals.openConfirmModal({
      title: t(deactivating ? 'users.deactivateTitle' : 'users.reactivateTitle', { name: user.display_name }),
      children: (
        <Text size="sm">
          {t(deactivating ? 'users.deactivateBody' : 'users.reactivateBody', { name: user.display_name })}
        </Text>
      ),
      labels: {
        confirm: t(deactivating ? 'users.deactivate' : 'users.reactivate'),
        cancel: t('common.cancel'),
      },
      confirmProps: { color: deactivating ? 'red' : 'blue' },
      onConfirm: () => {
        apply(
          user,
          { is_active: !deactivating },
          t(deactivating ? 'users.deactivated' : 'users.reactivated', { name: user.display_name }),
        );
      },
    });
  };

  const rows = (users.data ?? []).map((user) => {
    const isMe = user.id === me.id;
    return (
      <Table.Tr key={user.id}>
        <Table.Td>{user.email}</Table.Td>
        <Table.Td>
          {user.display_name}
          {isMe && (
            <Text span c="dimmed" size="sm">
              {' '}
              ({t('users.you')})
            </Text>
          )}
        </Table.Td>
        <Table.Td>
          <NativeSelect
            aria-label={t('users.roleFor', { name: user.display_name })}
            size="xs"
            miw={150}
            value={user.role}
            disabled={update.isPending}
            onChange={(event) => {
              changeRole(user, event.currentTarget.value as Role);
            }}
            data={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
          />
        </Table.Td>
        <Table.Td>
          <Group gap={4}>
            <Badge color={user.is_active ? 'green' : 'gray'} variant="light">
              {user.is_active ? t('users.active') : t('users.inactive')}
            </Badge>
            {user.must_change_password && (
              <Badge color="yellow" variant="light">
                {t('users.mustChangePassword')}
              </Badge>
            )}
          </Group>
        </Table.Td>
        <Table.Td>{user.last_login_at ? dateFormat.format(new Date(user.last_login_at)) : t('users.never')}</Table.Td>
        <Table.Td>
          <Button
            size="xs"
            variant="light"
            color={user.is_active ? 'red' : 'blue'}
            disabled={isMe}
            title={isMe ? t('users.cannotChangeSelf') : undefined}
            aria-label={`${t(user.is_active ? 'users.deactivate' : 'users.reactivate')} ${user.display_name}`}
            onClick={() => {
              toggleActive(user);
            }}
          >
            {t(user.is_active ? 'users.deactivate' : 'users.reactivate')}
          </Button>
        </Table.Td>
      </Table.Tr>
    );
  });

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('users.title')}</Title>
          <Text c="dimmed">{t('users.intro')}</Text>
        </div>
        <Button leftSection={<IconUserPlus size={18} aria-hidden />} onClick={createModal.open}>
          {t('users.create')}
        </Button>
      </Group>

      <ProblemAlert error={users.error} />
      {users.isPending ? (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('users.columns.email')}</Table.Th>
                <Table.Th scope="col">{t('users.columns.name')}</Table.Th>
                <Table.Th scope="col">{t('users.columns.role')}</Table.Th>
                <Table.Th scope="col">{t('users.columns.status')}</Table.Th>
                <Table.Th scope="col">{t('users.columns.lastLogin')}</Table.Th>
                <Table.Th scope="col">{t('users.columns.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.length > 0 ? (
                rows
              ) : (
                <Table.Tr>
                  <Table.Td colSpan={6}>{t('users.empty')}</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <CreateUserModal opened={creating} onClose={createModal.close} />
    </Stack>
  );
}
