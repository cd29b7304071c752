// Strings of this screen folder, gathered into the app's translations under `library`.
import type { Widen } from '../../i18n/types';

export const en = {
  title: 'Library',
  intro: 'Search, filter and open procedures.',
};

export const fr: Widen<typeof en> = {
  title: 'Bibliothèque',
  intro: 'Recherchez, filtrez et ouvrez les procédures.',
};
