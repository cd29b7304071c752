// Change one's own password; the server answers with a fresh session (others are revoked).
import { Button, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, applySession, unwrap, type LoginResponse } from '../api/client';
import { validatePassword, validateRequired } from '../auth/validation';
import { ProblemAlert } from './ProblemAlert';

interface Props {
  /** Label of the first field: "temporary password" reads better on the forced screen. */
  currentLabel: string;
  onChanged?: (session: LoginResponse) => void;
}

export function ChangePasswordForm({ currentLabel, onChanged }: Props) {
  const { t } = useTranslation();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { current_password: '', new_password: '', confirm: '' },
    validate: {
      current_password: validateRequired(t),
      new_password: (value, values) =>
        validatePassword(t)(value) ??
        (value === values.current_password ? t('validation.passwordUnchanged') : null),
      confirm: (value, values) => (value === values.new_password ? null : t('validation.passwordMismatch')),
    },
  });
  const change = useMutation({
    mutationFn: ({ current_password, new_password }: typeof form.values) =>
      unwrap(api.POST('/api/auth/me/password', { body: { current_password, new_password } })),
    onSuccess: (session) => {
      applySession(session);
      form.reset();
      onChanged?.(session);
    },
  });

  return (
    <form onSubmit={form.onSubmit((values) => { change.mutate(values); })} noValidate>
      <Stack>
        <ProblemAlert error={change.error} />
        <PasswordInput
          label={currentLabel}
          autoComplete="current-password"
          required
          key={form.key('current_password')}
          {...form.getInputProps('current_password')}
        />
        <PasswordInput
          label={t('fields.newPassword')}
          description={t('passwordHint')}
          autoComplete="new-password"
          required
          maxLength={128}
          key={form.key('new_password')}
          {...form.getInputProps('new_password')}
        />
        <PasswordInput
          label={t('fields.confirmPassword')}
          autoComplete="new-password"
          required
          maxLength={128}
          key={form.key('confirm')}
          {...form.getInputProps('confirm')}
        />
        <Button type="submit" loading={change.isPending}>
          {t('changePassword.submit')}
        </Button>
      </Stack>
    </form>
  );
}
