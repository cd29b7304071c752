// Asset tree (waiting for the procedures service).
import { IconBuildingFactory2 } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { UpcomingScreen } from '../../components/UpcomingScreen';

export function AssetsScreen() {
  const { t } = useTranslation();
  return (
    <UpcomingScreen icon={<IconBuildingFactory2 size={28} />} title={t('assets.title')} body={t('assets.intro')} />
  );
}
