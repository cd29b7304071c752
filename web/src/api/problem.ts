// What to tell a person when an API call fails: a translated message for known
// codes, else the server's `detail`, else something generic.
import type { TFunction } from 'i18next';
import { ApiError } from './client';
import { en } from '../i18n/en';

type KnownCode = keyof typeof en.errors.codes;

function isKnownCode(code: string): code is KnownCode {
  return Object.hasOwn(en.errors.codes, code);
}

export function problemMessage(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    if (error.code === 'too_many_attempts' && error.retryAfter !== undefined) {
      return t('errors.codes.too_many_attempts_seconds', { count: error.retryAfter });
    }
    if (error.code && isKnownCode(error.code)) return t(`errors.codes.${error.code}`);
    if (error.detail) return error.detail;
    // No problem body at all: nginx answering for a service that is down or restarting.
    return error.status >= 502 && error.status <= 504 ? t('errors.network') : t('errors.generic');
  }
  // fetch rejects with a TypeError when the server cannot be reached at all.
  if (error instanceof TypeError) return t('errors.network');
  return t('errors.generic');
}
