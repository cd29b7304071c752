// Browser tab title per screen, so tabs, history and screen readers say where you are.
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';

export function usePageTitle(title: string): void {
  const { t } = useTranslation();
  useDocumentTitle(`${title} · ${t('app.name')}`);
}
