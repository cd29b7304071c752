// Client-side checks mirroring the auth service's rules, so mistakes show before a round trip.
import type { TFunction } from 'i18next';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export function validateEmail(t: TFunction) {
  return (value: string) => (/^[^\s@]+@[^\s@]+$/.test(value.trim()) ? null : t('validation.emailInvalid'));
}

export function validateRequired(t: TFunction) {
  return (value: string) => (value.trim() ? null : t('validation.required'));
}

export function validatePassword(t: TFunction) {
  return (value: string) =>
    value.length >= PASSWORD_MIN && value.length <= PASSWORD_MAX ? null : t('validation.passwordLength');
}
