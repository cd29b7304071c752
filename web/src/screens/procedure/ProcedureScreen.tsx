// A procedure: its published revision, revisions, diff, audit, export (placeholder).
import { IconFileText } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { UpcomingScreen } from '../../components/UpcomingScreen';

export function ProcedureScreen() {
  const { t } = useTranslation();
  return <UpcomingScreen icon={<IconFileText size={28} />} title={t('procedure.title')} body={t('procedure.intro')} />;
}
