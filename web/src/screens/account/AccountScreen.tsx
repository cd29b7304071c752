// The signed-in user's own account: who they are, changing their password, and which
// notifications they get.
import { Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../../auth/session';
import { ChangePasswordForm } from '../../components/ChangePasswordForm';
import { usePageTitle } from '../../components/usePageTitle';
import { NotificationPreferences } from '../work/NotificationPreferences';

export function AccountScreen() {
  const { t } = useTranslation();
  usePageTitle(t('account.title'));
  const user = useCurrentUser();
  return (
    <Stack maw={560} gap="lg">
      <Title order={1}>{t('account.title')}</Title>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t('account.profile')}
        </Title>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" component="dl" m={0}>
          <Text component="dt" fw={600}>
            {t('fields.displayName')}
          </Text>
          <Text component="dd" m={0}>
            {user.display_name}
          </Text>
          <Text component="dt" fw={600}>
            {t('fields.email')}
          </Text>
          <Text component="dd" m={0}>
            {user.email}
          </Text>
          <Text component="dt" fw={600}>
            {t('fields.role')}
          </Text>
          <Text component="dd" m={0}>
            {t(`roles.${user.role}`)}
          </Text>
        </SimpleGrid>
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs">
          {t('changePassword.title')}
        </Title>
        <Text size="sm" c="dimmed" mb="md">
          {t('changePassword.intro')}
        </Text>
        <ChangePasswordForm
          currentLabel={t('fields.currentPassword')}
          onChanged={() =>
            notifications.show({ color: 'green', message: t('changePassword.success') })
          }
        />
      </Paper>
      {user.role !== 'viewer' && <NotificationPreferences />}
    </Stack>
  );
}
