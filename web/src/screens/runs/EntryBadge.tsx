// Where a step's entry is: on the server, waiting on this device, on its way, or refused.
import { Badge } from '@mantine/core';
import { IconAlertCircle, IconCloudCheck, IconCloudUp, IconClock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export type EntryStatus = 'empty' | 'queued' | 'sending' | 'saved' | 'refused';

const STYLE = {
  queued: { color: 'yellow', icon: IconClock },
  sending: { color: 'blue', icon: IconCloudUp },
  saved: { color: 'green', icon: IconCloudCheck },
  refused: { color: 'red', icon: IconAlertCircle },
} as const;

export function EntryBadge({ status }: { status: EntryStatus }) {
  const { t } = useTranslation();
  if (status === 'empty') return null;
  const { color, icon: Icon } = STYLE[status];
  return (
    <Badge color={color} variant="light" leftSection={<Icon size={14} aria-hidden />}>
      {t(`runs.entry.${status}`)}
    </Badge>
  );
}
