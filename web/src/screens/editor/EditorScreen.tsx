// Writing a procedure: metadata, sections and steps of a draft (placeholder).
import { IconPencil } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { UpcomingScreen } from '../../components/UpcomingScreen';

export function EditorScreen() {
  const { t } = useTranslation();
  return <UpcomingScreen icon={<IconPencil size={28} />} title={t('editor.title')} body={t('editor.intro')} />;
}
