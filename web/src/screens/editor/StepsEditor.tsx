// Sections and their steps: add, insert, delete, and reorder by dragging or with the move
// buttons (which also cross into the neighbouring section).
import { ActionIcon, Button, Group, Paper, Stack, Text, TextInput, Tooltip, VisuallyHidden } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { DragDropContext, Draggable, Droppable, type DropResult } from '@hello-pangea/dnd';
import { IconFolderPlus, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StepCard, type MoveControl } from './StepCard';
import {
  findStep,
  moveStep,
  neighbourPlace,
  newSection,
  newStep,
  removeSection,
  updateStep,
  type DraftSection,
  type DraftValues,
} from './draft';

interface Props {
  form: UseFormReturnType<DraftValues>;
}

export function StepsEditor({ form }: Props) {
  const { t } = useTranslation();
  const { sections } = form.getValues();
  const [focus, setFocus] = useState<{ uid: string; control: MoveControl } | null>(null);
  const [announcement, setAnnouncement] = useState('');

  const setSections = (change: (current: DraftSection[]) => DraftSection[]) => {
    form.setFieldValue('sections', change);
  };

  const numberOf = (uid: string, within: DraftSection[]) =>
    within.flatMap((group) => group.steps).findIndex((step) => step.uid === uid) + 1;

  const move = (uid: string, control: MoveControl) => {
    const current = form.getValues().sections;
    const from = findStep(current, uid);
    if (!from) return;
    const to = neighbourPlace(current, from, control === 'up' ? -1 : 1);
    if (!to) return;
    const next = moveStep(current, from, to);
    setSections(() => next);
    setFocus({ uid, control });
    setAnnouncement(t('editor.step.moved', { from: numberOf(uid, current), to: numberOf(uid, next) }));
  };

  const insert = (sectionIndex: number, at: number) => {
    const step = newStep();
    setSections((current) =>
      current.map((group, s) =>
        s === sectionIndex ? { ...group, steps: [...group.steps.slice(0, at), step, ...group.steps.slice(at)] } : group,
      ),
    );
    // The new step's title is what the author fills next.
    requestAnimationFrame(() => {
      document.getElementById(`${step.uid}-title`)?.focus();
    });
  };

  const onDragEnd = ({ source, destination }: DropResult) => {
    if (!destination) return;
    const index = (droppableId: string) => sections.findIndex((group) => group.uid === droppableId);
    setSections((current) =>
      moveStep(
        current,
        { section: index(source.droppableId), index: source.index },
        { section: index(destination.droppableId), index: destination.index },
      ),
    );
  };

  // Steps are numbered over the whole procedure, as technicians see them.
  const firstNumbers: number[] = [];
  let next = 1;
  for (const group of sections) {
    firstNumbers.push(next);
    next += group.steps.length;
  }
  const total = next - 1;
  return (
    <Stack gap="md">
      <VisuallyHidden aria-live="polite">{announcement}</VisuallyHidden>
      {total === 0 && <Text c="dimmed">{t('editor.steps.empty')}</Text>}
      <DragDropContext onDragEnd={onDragEnd}>
        {sections.map((group, s) => {
          const titled = group.title !== null;
          const named = group.title?.trim() ? group.title : null;
          // The untitled first group only needs a frame when sections follow it.
          if (!titled && group.steps.length === 0 && sections.length > 1) return null;
          const content = (
            <Droppable droppableId={group.uid}>
              {(drop) => (
                <Stack gap="sm" ref={drop.innerRef} {...drop.droppableProps} mih={titled ? 40 : undefined}>
                  {group.steps.map((step, i) => {
                    const stepNumber = (firstNumbers[s] ?? 1) + i;
                    return (
                      <Draggable key={step.uid} draggableId={step.uid} index={i}>
                        {(drag) => (
                          <div ref={drag.innerRef} {...drag.draggableProps}>
                            <StepCard
                              form={form}
                              section={s}
                              index={i}
                              number={stepNumber}
                              step={step}
                              canMoveUp={stepNumber > 1 || s > 0}
                              canMoveDown={stepNumber < total || s < sections.length - 1}
                              focusControl={focus?.uid === step.uid ? focus.control : null}
                              dragHandleProps={drag.dragHandleProps}
                              onMove={(control) => {
                                move(step.uid, control);
                              }}
                              onInsertAfter={() => {
                                insert(s, i + 1);
                              }}
                              onDelete={() => {
                                setSections((current) => current.map((g) => ({ ...g, steps: g.steps.filter((x) => x.uid !== step.uid) })));
                                setAnnouncement(t('editor.step.deleted', { number: stepNumber }));
                              }}
                              onChange={(change) => {
                                setSections((current) => updateStep(current, step.uid, change));
                              }}
                            />
                          </div>
                        )}
                      </Draggable>
                    );
                  })}
                  {drop.placeholder}
                </Stack>
              )}
            </Droppable>
          );
          const addStep = (
            <Group>
              <Button
                variant="light"
                leftSection={<IconPlus size={18} aria-hidden />}
                onClick={() => {
                  insert(s, group.steps.length);
                }}
              >
                {named ? t('editor.steps.addToSection', { title: named }) : t('editor.steps.add')}
              </Button>
            </Group>
          );
          if (!titled) {
            return (
              <Stack key={group.uid} gap="sm">
                {sections.length > 1 && (
                  <Text size="sm" c="dimmed">
                    {t('editor.sections.beforeFirst')}
                  </Text>
                )}
                {content}
                {addStep}
              </Stack>
            );
          }
          return (
            <Paper key={group.uid} withBorder p="sm" radius="md" bg="var(--mantine-color-gray-0)">
              <Stack gap="sm">
                <Group align="flex-end" gap="xs" wrap="nowrap">
                  <TextInput
                    flex={1}
                    label={t('editor.sections.title', { index: s })}
                    required
                    {...form.getInputProps(`sections.${String(s)}.title`)}
                  />
                  <Tooltip label={t('editor.sections.remove')}>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      size="lg"
                      mb={2}
                      aria-label={named ? t('editor.sections.removeNamed', { title: named }) : t('editor.sections.remove')}
                      onClick={() => {
                        setSections((current) => removeSection(current, s));
                      }}
                    >
                      <IconTrash size={18} aria-hidden />
                    </ActionIcon>
                  </Tooltip>
                </Group>
                {group.steps.length === 0 && (
                  <Text size="sm" c="dimmed">
                    {t('editor.sections.empty')}
                  </Text>
                )}
                {content}
                {addStep}
              </Stack>
            </Paper>
          );
        })}
      </DragDropContext>
      <Group>
        <Button
          variant="default"
          leftSection={<IconFolderPlus size={18} aria-hidden />}
          onClick={() => {
            setSections((current) => [...current, newSection()]);
          }}
        >
          {t('editor.sections.add')}
        </Button>
      </Group>
    </Stack>
  );
}
