// Strings of this screen folder, gathered into the app's translations under `procedure`.
import type { Widen } from '../../i18n/types';

export const en = {
  title: 'Procedure',
  intro: 'A procedure, its revisions and its history.',
};

export const fr: Widen<typeof en> = {
  title: 'Procédure',
  intro: 'Une procédure, ses révisions et son historique.',
};
