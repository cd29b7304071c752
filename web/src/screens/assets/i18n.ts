// Strings of this screen folder, gathered into the app's translations under `assets`.
import type { Widen } from '../../i18n/types';

export const en = {
  title: 'Assets',
  intro: 'The site, area and equipment tree.',
};

export const fr: Widen<typeof en> = {
  title: 'Équipements',
  intro: 'L’arborescence des sites, zones et équipements.',
};
