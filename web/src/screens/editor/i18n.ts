// Strings of this screen folder, gathered into the app's translations under `editor`.
import type { Widen } from '../../i18n/types';

export const en = {
  title: 'Procedure editor',
  intro: 'Write the steps of a procedure.',
};

export const fr: Widen<typeof en> = {
  title: 'Éditeur de procédure',
  intro: 'Rédigez les étapes d’une procédure.',
};
