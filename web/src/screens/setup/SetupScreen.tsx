// First run: create the first administrator, who is then signed in.
import { Button, Center, Loader, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { api, applySession, unwrap } from '../../api/client';
import { validateEmail, validatePassword, validateRequired } from '../../auth/validation';
import { ProblemAlert } from '../../components/ProblemAlert';
import { setupStatusQuery } from './setupStatus';
import { usePageTitle } from '../../components/usePageTitle';

export function SetupScreen() {
  const { t } = useTranslation();
  usePageTitle(t('setup.title'));
  const queryClient = useQueryClient();
  const status = useQuery(setupStatusQuery);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { display_name: '', email: '', password: '' },
    validate: {
      display_name: validateRequired(t),
      email: validateEmail(t),
      password: validatePassword(t),
    },
  });
  const setup = useMutation({
    mutationFn: (body: typeof form.values) =>
      unwrap(api.POST('/api/auth/setup', { body: { ...body, email: body.email.trim() } })),
    onSuccess: (session) => {
      queryClient.setQueryData(setupStatusQuery.queryKey, { needed: false });
      applySession(session);
    },
  });

  if (status.isPending) {
    return (
      <Center>
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  // Someone else finished setup meanwhile, or the page was opened by hand.
  if (status.data?.needed === false) return <Navigate to="/sign-in" replace />;

  return (
    <form onSubmit={form.onSubmit((values) => { setup.mutate(values); })} noValidate>
      <Stack>
        <Title order={1} size="h2">
          {t('setup.title')}
        </Title>
        <Text>{t('setup.intro')}</Text>
        <ProblemAlert error={status.error ?? setup.error} />
        <TextInput
          label={t('fields.displayName')}
          autoComplete="name"
          required
          key={form.key('display_name')}
          {...form.getInputProps('display_name')}
        />
        <TextInput
          label={t('fields.email')}
          type="email"
          autoComplete="email"
          required
          key={form.key('email')}
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label={t('fields.password')}
          description={t('passwordHint')}
          autoComplete="new-password"
          required
          maxLength={128}
          key={form.key('password')}
          {...form.getInputProps('password')}
        />
        <Button type="submit" loading={setup.isPending}>
          {t('setup.submit')}
        </Button>
      </Stack>
    </form>
  );
}
