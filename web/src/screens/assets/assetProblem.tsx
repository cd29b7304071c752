// The asset service's own refusals, in the user's words; anything else falls back to the
// shared messages. (The shared `errors.codes` do not cover these codes.)
import { Alert } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { problemMessage } from '../../api/problem';

export function assetProblemMessage(error: unknown, t: TFunction, action?: 'move'): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'code_taken':
        return t('assets.problems.codeTaken');
      case 'asset_has_children':
        return t('assets.problems.hasChildren');
      case 'asset_archived':
        return t('assets.problems.parentArchived');
      case 'validation_failed':
        // The move form only offers parents of an allowed kind: what the server still
        // refuses is a loop (an asset under itself or under what it contains).
        if (action === 'move') return t('assets.problems.moveLoop');
        break;
    }
  }
  return problemMessage(error, t);
}

/** Like the shared ProblemAlert, with the asset service's codes spelled out. */
export function AssetProblemAlert({ error, action }: { error: unknown; action?: 'move' }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert role="alert" color="red" variant="light" icon={<IconAlertCircle aria-hidden />}>
      {assetProblemMessage(error, t, action)}
    </Alert>
  );
}
