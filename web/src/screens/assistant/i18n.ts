// Strings of this screen folder, gathered into the app's translations under `assistant`.
import type { Widen } from '../../i18n/types';

export const en = {
  title: 'AI assistant',
  intro: 'Draft, translate and review procedures from your manuals.',
};

export const fr: Widen<typeof en> = {
  title: 'Assistant IA',
  intro: 'Rédigez, traduisez et relisez les procédures à partir de vos manuels.',
};
