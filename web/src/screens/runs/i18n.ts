// Strings of this screen folder, gathered into the app's translations under `runs`.
import type { Widen } from '../../i18n/types';

export const en = {
  title: 'Runs',
  intro: 'Checklists in progress and completed runs.',
};

export const fr: Widen<typeof en> = {
  title: 'Exécutions',
  intro: 'Les exécutions en cours et terminées.',
};
