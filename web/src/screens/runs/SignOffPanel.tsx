// Sign-off: what is still missing (required steps, notes on flagged entries), the signer's
// name and drawn signature, then the run is completed and never changes again.
import { Alert, Anchor, Button, List, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconLock } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { uploadFiles } from '../../api/fileLinks';
import type { RunView } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { forgetRun } from './resultQueue';
import { useCompleteRun } from './runsApi';
import { isDone, isFlagged, type Entry, type RunStep } from './runSteps';
import { SignatureField, type SignatureHandle } from './SignatureField';

interface Props {
  run: RunView;
  steps: RunStep[];
  current: Map<string, { entry: Entry }>;
  /** Entries still on this device (waiting or refused). */
  waiting: number;
  onJump: (index: number) => void;
}

export function SignOffPanel({ run, steps, current, waiting, onJump }: Props) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [name, setName] = useState(user.display_name);
  const [attempted, setAttempted] = useState(false);
  const [signatureMissing, setSignatureMissing] = useState(false);
  const pad = useRef<SignatureHandle>(null);
  const complete = useCompleteRun(run.id);

  const missing = steps.filter((step) => step.required && !isDone(step, current.get(step.id)?.entry));
  const unnoted = steps.filter((step) => {
    const entry = current.get(step.id)?.entry;
    return isFlagged(step, entry) && !entry?.note?.trim();
  });
  const blocked = missing.length > 0 || unnoted.length > 0 || waiting > 0;

  const signOff = useMutation({
    mutationFn: async () => {
      const signature = pad.current;
      if (!signature) throw new Error('no signature pad');
      const [stored] = await uploadFiles([await signature.toFile()]);
      return complete.mutateAsync({ signoff_name: name.trim(), signature_file_id: stored?.id ?? null });
    },
    onSuccess: () => {
      forgetRun(run.id);
      notifications.show({ color: 'green', message: t('runs.signOff.completed') });
    },
  });

  const submit = () => {
    setAttempted(true);
    const noSignature = pad.current?.isEmpty() ?? true;
    setSignatureMissing(noSignature);
    if (blocked || noSignature || !name.trim()) return;
    signOff.mutate();
  };

  const stepLink = (step: RunStep) => (
    <List.Item key={step.id}>
      <Anchor
        component="button"
        type="button"
        fz="md"
        py={6}
        ta="left"
        onClick={() => {
          onJump(steps.indexOf(step));
        }}
      >
        {t('runs.signOff.stepLink', { number: step.number, title: step.title })}
      </Anchor>
    </List.Item>
  );

  const serverCode = signOff.error instanceof ApiError ? signOff.error.code : undefined;

  return (
    <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" component="section" aria-labelledby="sign-off-title">
      <Stack gap="md">
        <Title order={2} id="sign-off-title">
          {t('runs.signOff.title')}
        </Title>
        <Text>{t('runs.signOff.intro')}</Text>

        {missing.length > 0 && (
          <Alert
            color={attempted ? 'red' : 'yellow'}
            variant="light"
            icon={<IconAlertTriangle aria-hidden />}
            title={t('runs.signOff.missingTitle', { count: missing.length })}
            role={attempted ? 'alert' : undefined}
          >
            <List spacing={0}>{missing.map(stepLink)}</List>
          </Alert>
        )}
        {unnoted.length > 0 && (
          <Alert
            color={attempted ? 'red' : 'yellow'}
            variant="light"
            icon={<IconAlertTriangle aria-hidden />}
            title={t('runs.signOff.notesTitle', { count: unnoted.length })}
            role={attempted ? 'alert' : undefined}
          >
            <List spacing={0}>{unnoted.map(stepLink)}</List>
          </Alert>
        )}
        {waiting > 0 && (
          <Alert color="yellow" variant="light" role={attempted ? 'alert' : undefined}>
            {t('runs.signOff.waiting', { count: waiting })}
          </Alert>
        )}

        <TextInput
          size="lg"
          label={t('runs.signOff.name')}
          required
          value={name}
          error={attempted && !name.trim() ? t('validation.required') : undefined}
          onChange={(event) => {
            setName(event.currentTarget.value);
          }}
        />
        <SignatureField
          ref={pad}
          label={t('runs.signOff.signature')}
          error={signatureMissing ? t('runs.signature.empty') : null}
          onDraw={() => {
            setSignatureMissing(false);
          }}
        />

        {serverCode === 'missing_steps' || serverCode === 'notes_required' ? (
          <Alert color="red" variant="light" role="alert">
            {t(serverCode === 'missing_steps' ? 'runs.signOff.serverMissing' : 'runs.signOff.serverNotes')}
          </Alert>
        ) : (
          <ProblemAlert error={signOff.error} />
        )}

        <Text size="sm" c="dimmed">
          {t('runs.signOff.final')}
        </Text>
        <Button size="xl" h={64} leftSection={<IconLock aria-hidden />} loading={signOff.isPending} onClick={submit}>
          {t('runs.signOff.submit')}
        </Button>
      </Stack>
    </Paper>
  );
}
