// A step's safety warning, styled by level so danger cannot be mistaken for a note.
import { Alert } from '@mantine/core';
import { IconAlertOctagon, IconAlertTriangle, IconInfoCircle, IconExclamationCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { WarningLevel } from '../api/types';

const STYLE: Record<WarningLevel, { color: string; variant: 'light' | 'filled'; icon: typeof IconInfoCircle }> = {
  note: { color: 'blue', variant: 'light', icon: IconInfoCircle },
  caution: { color: 'yellow', variant: 'light', icon: IconExclamationCircle },
  warning: { color: 'orange', variant: 'light', icon: IconAlertTriangle },
  danger: { color: 'red', variant: 'filled', icon: IconAlertOctagon },
};

export function WarningCallout({ level, text }: { level: WarningLevel | null | undefined; text: string | null | undefined }) {
  const { t } = useTranslation();
  if (!level) return null;
  const { color, variant, icon: Icon } = STYLE[level];
  return (
    <Alert
      color={color}
      variant={variant}
      icon={<Icon aria-hidden />}
      title={t(`domain.warningLevel.${level}`)}
      data-warning-level={level}
    >
      {text}
    </Alert>
  );
}
