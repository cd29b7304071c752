// One run: run mode while in progress, the report once completed (placeholder).
import { IconChecklist } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { UpcomingScreen } from '../../components/UpcomingScreen';

export function RunScreen() {
  const { t } = useTranslation();
  return <UpcomingScreen icon={<IconChecklist size={28} />} title={t('runs.title')} body={t('runs.intro')} />;
}
