// On the account page: which notifications a person gets in the app, one switch per kind,
// saved as soon as it is flipped.
import { Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { unwrap, workApi } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';

const KEY = ['work', 'notification-preferences'] as const;

export function NotificationPreferences() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const prefs = useQuery({ queryKey: KEY, queryFn: () => unwrap(workApi.GET('/api/work/notifications/preferences')) });
  const save = useMutation({
    mutationFn: (item: { kind: 'assigned' | 'due_soon' | 'overdue' | 'follow_up'; in_app: boolean }) =>
      unwrap(workApi.PUT('/api/work/notifications/preferences', { body: { items: [item] } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(KEY, saved);
      notifications.show({ color: 'green', message: t('work.notifications.saved') });
    },
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        {t('work.notifications.preferences')}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {t('work.notifications.preferencesIntro')}
      </Text>
      <ProblemAlert error={prefs.error ?? save.error} />
      <Stack gap="xs">
        {prefs.data?.items.map((item) => (
          <Switch
            key={item.kind}
            label={t(`work.notifications.choice.${item.kind}`)}
            checked={item.in_app}
            disabled={save.isPending}
            onChange={(event) => {
              save.mutate({ kind: item.kind, in_app: event.currentTarget.checked });
            }}
          />
        ))}
      </Stack>
    </Paper>
  );
}
