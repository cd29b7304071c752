// On the account page: which notifications a person gets, in the app and by email, one switch
// per kind and channel, and the language of their emails; saved as soon as it is changed.
import { Group, Paper, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { unwrap, workApi } from '../../api/client';
import type { components } from '../../api/work';
import { ProblemAlert } from '../../components/ProblemAlert';

const KEY = ['work', 'notification-preferences'] as const;
type Input = components['schemas']['PreferencesInput'];
type Choice = components['schemas']['PreferenceChoice'];
type Language = NonNullable<Input['language']>;
const LANGUAGES: Language[] = ['fr', 'en'];
const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);

export function NotificationPreferences() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const prefs = useQuery({ queryKey: KEY, queryFn: () => unwrap(workApi.GET('/api/work/notifications/preferences')) });
  const save = useMutation({
    mutationFn: (body: Input) => unwrap(workApi.PUT('/api/work/notifications/preferences', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(KEY, saved);
      notifications.show({ color: 'green', message: t('work.notifications.saved') });
    },
  });
  // Until a person chooses, their emails follow the language they read the app in.
  const shown: Language = i18n.language.startsWith('fr') ? 'fr' : 'en';
  const language = prefs.data?.language ?? shown;
  const change = (item: Choice) => {
    save.mutate({ items: [item], language });
  };
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        {t('work.notifications.preferences')}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {t('work.notifications.preferencesIntro')}
      </Text>
      <ProblemAlert error={prefs.error ?? save.error} />
      <Stack gap="sm">
        {prefs.data?.items.map((item) => (
          <Stack key={item.kind} gap={4} role="group" aria-label={t(`work.notifications.choice.${item.kind}`)}>
            <Text size="sm" fw={500}>
              {t(`work.notifications.choice.${item.kind}`)}
            </Text>
            <Group gap="lg">
              <Switch
                label={t('work.notifications.inApp')}
                checked={item.in_app}
                disabled={save.isPending}
                onChange={(event) => {
                  change({ kind: item.kind, in_app: event.currentTarget.checked });
                }}
              />
              <Switch
                label={t(item.kind === 'overdue' ? 'work.notifications.emailDigest' : 'work.notifications.email')}
                checked={item.email}
                disabled={save.isPending}
                onChange={(event) => {
                  change({ kind: item.kind, email: event.currentTarget.checked });
                }}
              />
            </Group>
          </Stack>
        ))}
        {prefs.data && (
          <Select
            label={t('work.notifications.emailLanguage')}
            data={[
              { value: 'fr', label: 'Français' },
              { value: 'en', label: 'English' },
            ]}
            value={language}
            allowDeselect={false}
            maw={240}
            disabled={save.isPending}
            onChange={(value) => {
              if (isLanguage(value)) save.mutate({ language: value });
            }}
          />
        )}
        <Text size="xs" c="dimmed">
          {t('work.notifications.emailNote')}
        </Text>
      </Stack>
    </Paper>
  );
}
