// Sign-in with email and password.
import { Button, Center, Loader, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { api, applySession, unwrap } from '../../api/client';
import { validateEmail, validateRequired } from '../../auth/validation';
import { ProblemAlert } from '../../components/ProblemAlert';
import { setupStatusQuery } from '../setup/setupStatus';
import { usePageTitle } from '../../components/usePageTitle';

export function SignInScreen() {
  const { t } = useTranslation();
  usePageTitle(t('signIn.title'));
  const setupStatus = useQuery(setupStatusQuery);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '', password: '' },
    // No length rule here: an account may predate today's password policy.
    validate: { email: validateEmail(t), password: validateRequired(t) },
  });
  const login = useMutation({
    mutationFn: (body: typeof form.values) =>
      unwrap(api.POST('/api/auth/login', { body: { ...body, email: body.email.trim() } })),
    onSuccess: applySession,
  });

  // Wait for the answer rather than flash a sign-in form on a server nobody can sign in to.
  if (setupStatus.isPending) {
    return (
      <Center>
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (setupStatus.data?.needed) return <Navigate to="/setup" replace />;

  return (
    <form onSubmit={form.onSubmit((values) => { login.mutate(values); })} noValidate>
      <Stack>
        <Title order={1} size="h2">
          {t('signIn.title')}
        </Title>
        <Text>{t('signIn.intro')}</Text>
        <ProblemAlert error={login.error ?? setupStatus.error} />
        <TextInput
          label={t('fields.email')}
          type="email"
          autoComplete="username"
          required
          key={form.key('email')}
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label={t('fields.password')}
          autoComplete="current-password"
          required
          key={form.key('password')}
          {...form.getInputProps('password')}
        />
        <Button type="submit" loading={login.isPending}>
          {t('signIn.submit')}
        </Button>
      </Stack>
    </form>
  );
}
