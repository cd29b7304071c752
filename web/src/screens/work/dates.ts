// Calendar days as the API gives them (`YYYY-MM-DD`, local to the site): shown as that day
// whatever the browser's time zone, and days of the browser's own calendar.
import { useTranslation } from 'react-i18next';

/** The browser's local date of `instant` as `YYYY-MM-DD`. */
export function localDay(instant: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())}`;
}

/** `day` plus `days` calendar days. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Formats a `YYYY-MM-DD` day in the UI's language, e.g. « jeudi 7 janvier 2027 ». */
export function useDayFormat() {
  const { i18n } = useTranslation();
  const formats = {
    full: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'full', timeZone: 'UTC' }),
    long: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long', timeZone: 'UTC' }),
    medium: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' }),
  };
  return (day: string, style: keyof typeof formats = 'medium') => formats[style].format(new Date(`${day}T00:00:00Z`));
}
