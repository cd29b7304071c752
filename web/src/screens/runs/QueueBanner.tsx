// Tells the technician when the device is offline or entries are still waiting to be sent,
// so nobody walks away from a run that has not reached the server.
import { Alert, Button, Group, Text } from '@mantine/core';
import { useNetwork } from '@mantine/hooks';
import { IconAlertCircle, IconCloudOff, IconClock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { QueueState } from './resultQueue';

export function QueueBanner({ state, onRetry }: { state: QueueState; onRetry: () => void }) {
  const { t } = useTranslation();
  const { online } = useNetwork();
  const refused = state.entries.filter((e) => e.refused).length;
  const waiting = state.entries.length - refused;

  if (refused > 0 && waiting === 0 && online) {
    return (
      <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />} role="status">
        {t('runs.queue.refused', { count: refused })}
      </Alert>
    );
  }
  if (online && waiting === 0) return null;

  return (
    <Alert
      color={online ? 'yellow' : 'gray'}
      variant={online ? 'light' : 'filled'}
      icon={online ? <IconClock aria-hidden /> : <IconCloudOff aria-hidden />}
      title={online ? undefined : t('runs.queue.offlineTitle')}
      role="status"
    >
      <Group justify="space-between" gap="sm">
        <Text size="sm" inherit>
          {online ? '' : `${t('runs.queue.offline')} `}
          {waiting > 0 && t('runs.queue.waiting', { count: waiting })}
        </Text>
        {online && waiting > 0 && state.sending === null && (
          <Button size="sm" variant="white" color="dark" onClick={onRetry}>
            {t('runs.queue.retry')}
          </Button>
        )}
      </Group>
    </Alert>
  );
}
