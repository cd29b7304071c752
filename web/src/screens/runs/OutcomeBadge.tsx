// A run's state at a glance: in progress, or completed with its outcome.
import { Badge, type MantineSize } from '@mantine/core';
import { useTranslation } from 'react-i18next';

// Beside a long title the badge keeps its full width: a truncated outcome says nothing.
const NO_SHRINK = { flexShrink: 0 };

export function OutcomeBadge({
  status,
  outcome,
  size = 'md',
}: {
  status: string;
  outcome: string | null | undefined;
  size?: MantineSize;
}) {
  const { t } = useTranslation();
  if (status !== 'completed') {
    return (
      <Badge color="blue" variant="light" size={size} style={NO_SHRINK}>
        {t('runs.status.in_progress')}
      </Badge>
    );
  }
  const passed = outcome === 'passed';
  return (
    <Badge color={passed ? 'green' : 'red'} variant="filled" size={size} style={NO_SHRINK}>
      {t(passed ? 'runs.outcome.passed' : 'runs.outcome.failed')}
    </Badge>
  );
}
