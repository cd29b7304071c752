// One step in run mode: safety warning and instructions first, then the answer and a note.
import { Badge, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FileThumb } from '../../components/FileThumb';
import { Markdown } from '../../components/Markdown';
import { ProblemAlert } from '../../components/ProblemAlert';
import { WarningCallout } from '../../components/WarningCallout';
import { isFlagged, type Entry, type RunStep } from './runSteps';
import { StepAnswer } from './StepAnswer';
import { EntryBadge, type EntryStatus } from './EntryBadge';

interface Props {
  step: RunStep;
  total: number;
  entry: Entry | undefined;
  status: EntryStatus;
  refusal: unknown;
  onRecord: (entry: Entry) => void;
}

export function StepPanel({ step, total, entry, status, refusal, onRecord }: Props) {
  const { t } = useTranslation();
  const [note, setNote] = useState(entry?.note ?? '');
  const noteNeeded = isFlagged(step, entry) && !note.trim();
  // The title is the step's heading; the number and kind sit above it, quieter.
  const headingId = `step-${step.id}`;

  return (
    <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" component="section" aria-labelledby={headingId}>
      <Stack gap="md">
        <Stack gap={4}>
          <Group gap="xs" justify="space-between">
            <Text c="dimmed" fw={500}>
              {step.sectionTitle ? `${step.sectionTitle} · ` : ''}
              {t('runs.mode.stepOf', { number: step.number, total })}
            </Text>
            <Group gap="xs">
              {step.required && (
                <Badge color="orange" variant="light">
                  {t('domain.required')}
                </Badge>
              )}
              <EntryBadge status={status} />
            </Group>
          </Group>
          <Title order={2} id={headingId} fz={{ base: 'h3', sm: 'h2' }}>
            {step.title}
          </Title>
        </Stack>

        <WarningCallout level={step.warning_level} text={step.warning_text} />
        <Markdown>{step.body}</Markdown>
        {step.attachments.length > 0 && (
          <Group gap="sm">
            {step.attachments.map((id) => (
              <FileThumb key={id} fileId={id} />
            ))}
          </Group>
        )}

        <StepAnswer step={step} entry={entry} note={note.trim() ? note : null} onRecord={onRecord} />

        <Textarea
          size="lg"
          label={t('runs.note.label')}
          description={noteNeeded ? undefined : t('runs.note.hint')}
          error={noteNeeded ? t('runs.note.required') : undefined}
          autosize
          minRows={2}
          value={note}
          onChange={(event) => {
            setNote(event.currentTarget.value);
          }}
          onBlur={() => {
            // A note belongs to an answer: it is sent with it, or with the answer already given.
            if (entry && note.trim() !== (entry.note ?? '')) onRecord({ ...entry, note: note.trim() || null });
          }}
        />
        <ProblemAlert error={refusal} />
      </Stack>
    </Paper>
  );
}
