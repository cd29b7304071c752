// Home: the procedure library (waiting for the procedures service).
import { IconBook } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { UpcomingScreen } from '../../components/UpcomingScreen';

export function LibraryScreen() {
  const { t } = useTranslation();
  return <UpcomingScreen icon={<IconBook size={28} />} title={t('library.title')} body={t('library.intro')} />;
}
