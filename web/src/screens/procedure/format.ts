// Dates, numbers and durations in the reader's language.
import { useTranslation } from 'react-i18next';

export function useFormat() {
  const { i18n } = useTranslation();
  const language = i18n.language;
  const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'long' });
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 6 });
  const percent = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 });
  const minutes = new Intl.NumberFormat(language, { style: 'unit', unit: 'minute', unitDisplay: 'short' });
  const seconds = new Intl.NumberFormat(language, { style: 'unit', unit: 'second', unitDisplay: 'short' });
  return {
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
    date: (iso: string) => date.format(new Date(iso)),
    number: (value: number) => number.format(value),
    percent: (share: number) => percent.format(share),
    /** A step's median time: seconds under two minutes, else whole minutes. */
    duration: (totalSeconds: number) =>
      totalSeconds < 120
        ? seconds.format(Math.round(totalSeconds))
        : minutes.format(Math.round(totalSeconds / 60)),
  };
}

export type Format = ReturnType<typeof useFormat>;

/** `?revision=n` as a revision number, or null when absent or not a positive integer. */
export function parseRevision(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}
