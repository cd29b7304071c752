// An event type as people read it; one the screen does not know yet shows as its name.
import { useTranslation } from 'react-i18next';
import { en } from './i18n';

type Known = keyof typeof en.events;

export function EventLabel({ type }: { type: string }) {
  const { t } = useTranslation();
  return type in en.events ? t(`webhooks.events.${type as Known}`) : type;
}
