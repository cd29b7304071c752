// The form of a new procedure or of a draft: metadata and steps, saved together, then
// submitted for review. Leaving with unsaved changes asks first.
import { Alert, Button, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy, IconSend } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBlocker, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import type { AssetRef } from '../../api/types';
import { StatusBadge } from '../../components/StatusBadge';
import { EditorProblem } from './EditorProblem';
import { MetadataFields } from './MetadataFields';
import { StepsEditor } from './StepsEditor';
import {
  changesSince,
  contentInput,
  draftFromRevision,
  hasChanges,
  metadataPatch,
  placeOfNumber,
  stepPath,
  validateDraft,
  type DraftValues,
} from './draft';
import { contentProblems, useCreateProcedure, useSaveDraft, useSubmitForReview, type ContentProblem } from './editorApi';

export interface DraftTarget {
  id: string;
  code: string;
  number: number;
}

interface Props {
  initial: DraftValues;
  /** The draft being edited; `null` while the procedure does not exist yet. */
  target: DraftTarget | null;
  linked: AssetRef[];
}

function focusFirstInvalid() {
  requestAnimationFrame(() => {
    document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  });
}

/** Puts the server's per-step problems beside the steps; false when none could be placed. */
function placeProblems(form: UseFormReturnType<DraftValues>, problems: ContentProblem[]): boolean {
  const { sections } = form.getValues();
  // An empty untitled first group is not sent, so the server counts sections from the next one.
  const first = sections[0];
  const sectionOffset = first?.title === null && first.steps.length === 0 ? 1 : 0;
  const errors: Record<string, string> = {};
  const add = (path: string, problem: string) => {
    errors[path] = errors[path] ? `${errors[path]}; ${problem}` : problem;
  };
  for (const { step, section, problem } of problems) {
    const place = step === undefined ? null : placeOfNumber(sections, step);
    if (place) add(stepPath(place.section, place.index), problem);
    else if (section !== undefined) add(`sections.${String(section + sectionOffset)}.title`, problem);
  }
  if (Object.keys(errors).length === 0) return false;
  form.setErrors({ ...form.errors, ...errors });
  return true;
}

export function DraftEditor({ initial, target, linked }: Props) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const creating = target === null;
  const form = useForm<DraftValues>({
    initialValues: initial,
    validate: (values) => validateDraft(values, t, creating),
    validateInputOnBlur: true,
  });
  const [saved, setSaved] = useState(initial);
  const [problem, setProblem] = useState<unknown>(null);
  const [needsFixing, setNeedsFixing] = useState(false);
  // Set just before navigating away on purpose (after creating or submitting).
  const leaving = useRef(false);
  const create = useCreateProcedure();
  const saveDraft = useSaveDraft();
  const submit = useSubmitForReview();

  const values = form.getValues();
  const dirty = hasChanges(values, saved);

  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && !leaving.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
    };
  }, [dirty]);

  const showFailure = (failure: unknown) => {
    if (failure instanceof ApiError && failure.code === 'code_taken') {
      form.setFieldError('code', t('editor.problems.code_taken'));
      focusFirstInvalid();
    } else if (placeProblems(form, contentProblems(failure))) {
      setNeedsFixing(true);
    } else {
      setProblem(failure);
    }
  };

  const save = async (): Promise<boolean> => {
    setProblem(null);
    setNeedsFixing(false);
    if (form.validate().hasErrors) {
      setNeedsFixing(true);
      focusFirstInvalid();
      return false;
    }
    const current = form.getValues();
    try {
      if (target === null) {
        const procedure = await create.mutateAsync({
          code: current.code.trim(),
          ...metadataPatch(current),
          asset_ids: current.asset_ids,
          content: contentInput(current),
        });
        leaving.current = true;
        notifications.show({ color: 'green', message: t('editor.created', { code: procedure.code }) });
        await navigate(`/procedures/${procedure.id}/edit`, { replace: true });
        return true;
      }
      const result = await saveDraft.mutateAsync({ id: target.id, number: target.number, ...changesSince(current, saved) });
      // Back from the server: new steps now have ids, which the next save must send.
      const next = draftFromRevision(result.revision, target.code, result.assetIds ?? current.asset_ids);
      form.setValues(next);
      form.resetDirty(next);
      setSaved(next);
      notifications.show({ color: 'green', message: t('editor.saved') });
      return true;
    } catch (failure) {
      showFailure(failure);
      return false;
    }
  };

  const submitForReview = async () => {
    if (target === null) return;
    if (dirty && !(await save())) return;
    setProblem(null);
    try {
      await submit.mutateAsync({ id: target.id, number: target.number });
      leaving.current = true;
      notifications.show({ color: 'green', message: t('editor.submitted') });
      await navigate(`/procedures/${target.id}`);
    } catch (failure) {
      setProblem(failure);
    }
  };

  const busy = create.isPending || saveDraft.isPending || submit.isPending;
  return (
    <Stack gap="lg">
      <div>
        {target && (
          <Group gap="xs">
            <Text c="dimmed" ff="monospace">
              {target.code}
            </Text>
            <Text c="dimmed">{t('editor.revision', { number: target.number })}</Text>
            <StatusBadge status="draft" />
          </Group>
        )}
        <Title order={1}>{creating ? t('editor.newTitle') : t('editor.editTitle', { title: saved.title })}</Title>
      </div>

      {needsFixing && (
        <Alert role="alert" color="red" variant="light">
          {t('editor.fixErrors')}
        </Alert>
      )}
      <EditorProblem error={problem} />

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="editor-about">
        <Title order={2} size="h3" id="editor-about" mb="sm">
          {t('editor.aboutTitle')}
        </Title>
        <MetadataFields form={form} fixedCode={target?.code ?? null} linked={linked} />
      </Paper>

      <section aria-labelledby="editor-steps">
        <Title order={2} size="h3" id="editor-steps" mb="sm">
          {t('editor.steps.title')}
        </Title>
        <StepsEditor form={form} />
      </section>

      <Paper
        withBorder
        shadow="md"
        p="sm"
        radius="md"
        style={{ position: 'sticky', bottom: 'var(--mantine-spacing-xs)', zIndex: 5 }}
      >
        <Group justify="space-between" gap="xs">
          <Text size="sm" c={dirty ? 'orange.8' : 'dimmed'} role="status">
            {dirty ? t('editor.unsaved') : t('editor.allSaved')}
          </Text>
          <Group gap="xs">
            <Button
              variant={creating ? 'filled' : 'default'}
              leftSection={<IconDeviceFloppy size={18} aria-hidden />}
              loading={create.isPending || saveDraft.isPending}
              disabled={busy}
              onClick={() => {
                void save();
              }}
            >
              {creating ? t('editor.create') : t('common.save')}
            </Button>
            {!creating && (
              <Button
                leftSection={<IconSend size={18} aria-hidden />}
                loading={submit.isPending}
                disabled={busy}
                onClick={() => {
                  void submitForReview();
                }}
              >
                {t('editor.submit')}
              </Button>
            )}
          </Group>
        </Group>
      </Paper>

      <Modal
        opened={blocker.state === 'blocked'}
        onClose={() => blocker.reset?.()}
        title={t('editor.leave.title')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <Stack>
          <Text>{t('editor.leave.body')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => blocker.reset?.()} data-autofocus>
              {t('editor.leave.stay')}
            </Button>
            <Button color="red" onClick={() => blocker.proceed?.()}>
              {t('editor.leave.leave')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
