// Signatures (approving a revision, signing off a run, verifying one) need a sign-in a few
// minutes old at most. When the server answers `reauthentication_required`, `signing` asks for
// the password again, confirms it with the auth service (a fresh access token), and tries once
// more; cancelling leaves the refusal as the answer.
import { Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, applySession, unwrap } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { useCurrentUser } from './session';

export async function signing<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'reauthentication_required')) throw error;
    if (!(await confirmPassword())) throw error;
    return action();
  }
}

function confirmPassword(): Promise<boolean> {
  return new Promise((resolve) => {
    const id = modals.open({
      title: <ConfirmTitle />,
      onClose: () => {
        resolve(false);
      },
      children: (
        <ConfirmPassword
          onConfirmed={() => {
            resolve(true);
            modals.close(id);
          }}
        />
      ),
    });
  });
}

function ConfirmTitle() {
  const { t } = useTranslation();
  return <>{t('signing.title')}</>;
}

function ConfirmPassword({ onConfirmed }: { onConfirmed: () => void }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [password, setPassword] = useState('');
  const confirm = useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/reauthenticate', { body: { password } })),
    onSuccess: (session) => {
      applySession(session);
      onConfirmed();
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (password) confirm.mutate();
      }}
    >
      <Stack gap="md">
        <Text>{t('signing.intro', { name: user.display_name })}</Text>
        <PasswordInput
          label={t('signing.password')}
          autoComplete="current-password"
          required
          data-autofocus
          value={password}
          onChange={(event) => {
            setPassword(event.currentTarget.value);
          }}
        />
        <ProblemAlert error={confirm.error} />
        <Group justify="flex-end">
          <Button type="submit" loading={confirm.isPending}>
            {t('signing.confirm')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
