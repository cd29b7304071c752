// One step as its author writes it: what to do, how it is answered, its warning and photos.
import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Grid,
  Group,
  NativeSelect,
  NumberInput,
  Paper,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
  Title,
  Tooltip,
} from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { DraggableProvidedDragHandleProps } from '@hello-pangea/dnd';
import {
  IconArrowDown,
  IconArrowUp,
  IconEye,
  IconGripVertical,
  IconPencil,
  IconRowInsertBottom,
  IconTrash,
} from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { STEP_KINDS, WARNING_LEVELS, type StepKind, type WarningLevel } from '../../api/types';
import { Markdown } from '../../components/Markdown';
import { LimitSourceNote } from '../assistant/LimitSourceNote';
import { ChoiceOptions } from './ChoiceOptions';
import { StepPhotos } from './StepPhotos';
import { stepPath, stepProvenance, type DraftStep, type DraftValues } from './draft';

export type MoveControl = 'up' | 'down';

interface Props {
  form: UseFormReturnType<DraftValues>;
  section: number;
  index: number;
  /** 1-based over the whole procedure, as technicians see it. */
  number: number;
  step: DraftStep;
  canMoveUp: boolean;
  canMoveDown: boolean;
  /** Set right after a keyboard move, so focus follows the step to its new place. */
  focusControl: MoveControl | null;
  dragHandleProps: DraggableProvidedDragHandleProps | null;
  onMove: (control: MoveControl) => void;
  onInsertAfter: () => void;
  onDelete: () => void;
  onChange: (change: (step: DraftStep) => DraftStep) => void;
}

export function StepCard(props: Props) {
  const { form, section, index, number, step, canMoveUp, canMoveDown, focusControl } = props;
  const { t } = useTranslation();
  const path = stepPath(section, index);
  const origin = stepProvenance(step);
  const [preview, setPreview] = useState(false);
  const upRef = useRef<HTMLButtonElement>(null);
  const downRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!focusControl) return;
    // At the top or bottom the pressed button is disabled: hand focus to the other one.
    const wanted = focusControl === 'up' ? (canMoveUp ? upRef : downRef) : canMoveDown ? downRef : upRef;
    wanted.current?.focus();
  }, [focusControl, canMoveUp, canMoveDown]);

  const serverProblem = form.errors[path];
  const heading = t('editor.step.heading', { number });
  return (
    <Card withBorder padding="md" radius="md" aria-label={heading} component="article">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" miw={0}>
            <div
              {...props.dragHandleProps}
              aria-label={t('editor.step.drag', { number })}
              style={{ display: 'flex', cursor: 'grab', color: 'var(--mantine-color-dimmed)' }}
            >
              <IconGripVertical size={20} aria-hidden />
            </div>
            <Title order={3} size="h5">
              {heading}
            </Title>
            <Text size="sm" c="dimmed" truncate visibleFrom="xs">
              {step.title}
            </Text>
          </Group>
          <Group gap={2} wrap="nowrap">
            <Tooltip label={t('editor.step.moveUp', { number })}>
              <ActionIcon
                ref={upRef}
                variant="subtle"
                size="lg"
                disabled={!canMoveUp}
                aria-label={t('editor.step.moveUp', { number })}
                onClick={() => {
                  props.onMove('up');
                }}
              >
                <IconArrowUp size={18} aria-hidden />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t('editor.step.moveDown', { number })}>
              <ActionIcon
                ref={downRef}
                variant="subtle"
                size="lg"
                disabled={!canMoveDown}
                aria-label={t('editor.step.moveDown', { number })}
                onClick={() => {
                  props.onMove('down');
                }}
              >
                <IconArrowDown size={18} aria-hidden />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t('editor.step.insertAfter', { number })}>
              <ActionIcon
                variant="subtle"
                size="lg"
                aria-label={t('editor.step.insertAfter', { number })}
                onClick={props.onInsertAfter}
              >
                <IconRowInsertBottom size={18} aria-hidden />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t('editor.step.delete', { number })}>
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                aria-label={t('editor.step.delete', { number })}
                onClick={props.onDelete}
              >
                <IconTrash size={18} aria-hidden />
              </ActionIcon>
            </Tooltip>
          </Group>
        </Group>

        {serverProblem && (
          <Alert role="alert" color="red" variant="light">
            {serverProblem}
          </Alert>
        )}

        <Grid gutter="sm">
          <Grid.Col span={{ base: 12, sm: 8 }}>
            <TextInput
              id={`${step.uid}-title`}
              label={t('editor.step.title')}
              required
              {...form.getInputProps(`${path}.title`)}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <NativeSelect
              label={t('editor.step.kind')}
              data={STEP_KINDS.map((kind) => ({ value: kind, label: t(`domain.stepKind.${kind}`) }))}
              value={step.kind}
              onChange={(event) => {
                const kind = event.currentTarget.value as StepKind;
                // A choice needs two options: offer the two empty fields straight away.
                props.onChange((s) => ({
                  ...s,
                  kind,
                  options: kind === 'choice' && s.options.length === 0 ? ['', ''] : s.options,
                }));
              }}
            />
          </Grid.Col>
        </Grid>

        <Stack gap={4}>
          <Group justify="space-between" align="flex-end">
            <Text component="label" htmlFor={`${step.uid}-body`} size="sm" fw={500}>
              {t('editor.step.body')}
            </Text>
            <Button
              size="compact-xs"
              variant="subtle"
              leftSection={preview ? <IconPencil size={14} aria-hidden /> : <IconEye size={14} aria-hidden />}
              aria-pressed={preview}
              onClick={() => {
                setPreview((shown) => !shown);
              }}
            >
              {t('editor.step.preview')}
            </Button>
          </Group>
          {preview ? (
            <Paper withBorder p="sm" mih={60}>
              {step.body.trim() ? <Markdown>{step.body}</Markdown> : <Text c="dimmed">{t('editor.step.emptyBody')}</Text>}
            </Paper>
          ) : (
            <Textarea
              id={`${step.uid}-body`}
              description={t('editor.step.bodyHint')}
              autosize
              minRows={2}
              maxRows={12}
              {...form.getInputProps(`${path}.body`)}
            />
          )}
        </Stack>

        {step.kind === 'number' && (
          <Grid gutter="sm">
            <Grid.Col span={{ base: 12, xs: 4 }}>
              <TextInput label={t('editor.step.unit')} placeholder="bar, °C, mm…" {...form.getInputProps(`${path}.unit`)} />
            </Grid.Col>
            <Grid.Col span={{ base: 6, xs: 4 }}>
              <NumberInput label={t('editor.step.min')} decimalSeparator={t('editor.decimalSeparator')} {...form.getInputProps(`${path}.min`)} />
            </Grid.Col>
            <Grid.Col span={{ base: 6, xs: 4 }}>
              <NumberInput label={t('editor.step.max')} decimalSeparator={t('editor.decimalSeparator')} {...form.getInputProps(`${path}.max`)} />
            </Grid.Col>
            {origin && origin.state !== 'none' && (
              <Grid.Col span={12}>
                <LimitSourceNote provenance={origin} />
              </Grid.Col>
            )}
          </Grid>
        )}

        {step.kind === 'choice' && <ChoiceOptions form={form} path={path} options={step.options} stepNumber={number} />}

        <Grid gutter="sm">
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <NativeSelect
              label={t('editor.step.warningLevel')}
              data={[
                { value: '', label: t('editor.step.noWarning') },
                ...WARNING_LEVELS.map((level) => ({ value: level, label: t(`domain.warningLevel.${level}`) })),
              ]}
              value={step.warning_level ?? ''}
              onChange={(event) => {
                const level = event.currentTarget.value;
                props.onChange((s) => ({ ...s, warning_level: level ? (level as WarningLevel) : null }));
              }}
            />
          </Grid.Col>
          {step.warning_level && (
            <Grid.Col span={{ base: 12, sm: 8 }}>
              <Textarea label={t('editor.step.warningText')} autosize minRows={1} {...form.getInputProps(`${path}.warning_text`)} />
            </Grid.Col>
          )}
        </Grid>

        <Switch
          label={t('domain.required')}
          description={t('editor.step.requiredHint')}
          {...form.getInputProps(`${path}.required`, { type: 'checkbox' })}
        />

        <StepPhotos
          stepNumber={number}
          attachments={step.attachments}
          onAdd={(ids) => {
            props.onChange((s) => ({ ...s, attachments: [...s.attachments, ...ids.filter((id) => !s.attachments.includes(id))] }));
          }}
          onRemove={(id) => {
            props.onChange((s) => ({ ...s, attachments: s.attachments.filter((a) => a !== id) }));
          }}
        />
      </Stack>
    </Card>
  );
}
