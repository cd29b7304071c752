// Import a procedure file (`gamme.procedure` v1 JSON) as a new draft, then open it: the
// button, and the alert that says why a file was refused.
import { Alert, Button, FileButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconUpload } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { problemMessage } from '../../api/problem';
import { ImportFileError, useImportProcedure } from './libraryApi';

function importProblem(error: unknown, t: TFunction): string {
  if (error instanceof ImportFileError) return t(`library.import.file.${error.reason}`);
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'draft_exists':
        return t('library.import.draftExists');
      case 'procedure_archived':
        return t('library.import.archived');
      case 'code_taken':
        return t('library.import.codeTaken');
      case 'validation_failed':
      case 'invalid_body':
        // The server names the field at fault; its words are the most precise we have.
        return t('library.import.refused', { detail: error.detail ?? '' });
    }
  }
  return problemMessage(error, t);
}

export function useImport() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const mutation = useImportProcedure();
  const resetRef = useRef<() => void>(null);

  const start = (file: File | null) => {
    // The same file may be picked again after a fix: let the input forget it.
    resetRef.current?.();
    if (!file) return;
    mutation.mutate(file, {
      onSuccess: (procedure) => {
        notifications.show({ color: 'green', message: t('library.import.done', { code: procedure.code }) });
        void navigate(`/procedures/${procedure.id}`);
      },
    });
  };

  const button = (
    <FileButton onChange={start} accept="application/json,.json" resetRef={resetRef}>
      {(props) => (
        <Button {...props} variant="default" leftSection={<IconUpload size={18} aria-hidden />} loading={mutation.isPending}>
          {t('library.import.button')}
        </Button>
      )}
    </FileButton>
  );

  const problem = mutation.error ? (
    <Alert
      role="alert"
      color="red"
      variant="light"
      title={t('library.import.failed')}
      icon={<IconAlertCircle aria-hidden />}
      withCloseButton
      closeButtonLabel={t('common.close')}
      onClose={mutation.reset}
    >
      {importProblem(mutation.error, t)}
    </Alert>
  ) : null;

  return { button, problem };
}
