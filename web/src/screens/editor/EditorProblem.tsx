// A failed call, in the author's language for the refusals this screen knows, else as the
// app says it everywhere else.
import { Alert } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { en } from './i18n';

type KnownCode = keyof typeof en.problems;

function isKnown(code: string | undefined): code is KnownCode {
  return code !== undefined && Object.hasOwn(en.problems, code);
}

export function EditorProblem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && isKnown(error.code)) {
    return (
      <Alert role="alert" color="red" variant="light" icon={<IconAlertCircle aria-hidden />}>
        {t(`editor.problems.${error.code}`)}
      </Alert>
    );
  }
  return <ProblemAlert error={error} />;
}
