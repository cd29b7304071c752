// AI assistant (waiting for the ai-worker service).
import { IconSparkles } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { UpcomingScreen } from '../../components/UpcomingScreen';

export function AssistantScreen() {
  const { t } = useTranslation();
  return (
    <UpcomingScreen icon={<IconSparkles size={28} />} title={t('assistant.title')} body={t('assistant.intro')} />
  );
}
