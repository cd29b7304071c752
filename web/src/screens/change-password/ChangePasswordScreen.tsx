// Forced password change after signing in with a temporary password.
import { Button, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { signOut } from '../../auth/session';
import { ChangePasswordForm } from '../../components/ChangePasswordForm';
import { usePageTitle } from '../../components/usePageTitle';

export function ChangePasswordScreen() {
  const { t } = useTranslation();
  usePageTitle(t('changePassword.forcedTitle'));
  // No onChanged: the new session clears must_change_password, and the guard moves on.
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('changePassword.forcedTitle')}
      </Title>
      <Text>{t('changePassword.forcedIntro')}</Text>
      <ChangePasswordForm currentLabel={t('fields.temporaryPassword')} />
      <Button variant="subtle" onClick={() => void signOut()}>
        {t('nav.signOut')}
      </Button>
    </Stack>
  );
}
