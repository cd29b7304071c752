// The input for one step, by kind, sized for gloved fingers. Taps record at once; typed
// answers record when the field is left or Enter is pressed, so moving on never loses them.
import { Button, Checkbox, Group, Radio, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { limitMessage, limitProblem, limitRange, type Entry, type RunStep } from './runSteps';
import { PhotoCapture } from './PhotoCapture';
import { SignatureStep } from './SignatureStep';

interface Props {
  step: RunStep;
  entry: Entry | undefined;
  /** The note typed so far, sent along with the answer. */
  note: string | null;
  onRecord: (entry: Entry) => void;
}

export const TOUCH = 56;

export function StepAnswer({ step, entry, note, onRecord }: Props) {
  const { t } = useTranslation();
  const record = (value: unknown, photoIds = entry?.photoIds ?? []) => {
    onRecord({ value, note, photoIds });
  };

  switch (step.kind) {
    case 'instruction': {
      const done = entry !== undefined;
      return (
        <Button
          size="xl"
          h={TOUCH + 8}
          fullWidth
          color="green"
          variant={done ? 'filled' : 'outline'}
          aria-pressed={done}
          leftSection={<IconCheck aria-hidden />}
          onClick={() => {
            record(true);
          }}
        >
          {done ? t('runs.answer.doneRecorded') : t('runs.answer.markDone')}
        </Button>
      );
    }
    case 'checkbox':
      return (
        <Checkbox
          size="xl"
          label={t('runs.answer.checked')}
          checked={entry?.value === true}
          onChange={(event) => {
            record(event.currentTarget.checked);
          }}
          styles={{ body: { alignItems: 'center', minHeight: TOUCH } }}
        />
      );
    case 'pass_fail':
      return (
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md" role="group" aria-label={t('runs.answer.passFail')}>
          <Button
            size="xl"
            h={TOUCH + 16}
            color="green"
            variant={entry?.value === 'pass' ? 'filled' : 'outline'}
            aria-pressed={entry?.value === 'pass'}
            leftSection={<IconCheck aria-hidden />}
            onClick={() => {
              record('pass');
            }}
          >
            {t('runs.value.pass')}
          </Button>
          <Button
            size="xl"
            h={TOUCH + 16}
            color="red"
            variant={entry?.value === 'fail' ? 'filled' : 'outline'}
            aria-pressed={entry?.value === 'fail'}
            leftSection={<IconX aria-hidden />}
            onClick={() => {
              record('fail');
            }}
          >
            {t('runs.value.fail')}
          </Button>
        </SimpleGrid>
      );
    case 'number':
      return <ReadingInput step={step} entry={entry} onRecord={record} />;
    case 'text':
      return <TextAnswer entry={entry} onRecord={record} />;
    case 'choice':
      return (
        <Radio.Group
          label={t('runs.answer.choose')}
          value={typeof entry?.value === 'string' ? entry.value : null}
          onChange={(value) => {
            record(value);
          }}
        >
          <Stack gap="sm" mt="xs">
            {step.options.map((option) => (
              <Radio.Card key={option} value={option} p="md" mih={TOUCH} radius="md">
                <Group wrap="nowrap">
                  <Radio.Indicator size="md" />
                  <Text size="lg">{option}</Text>
                </Group>
              </Radio.Card>
            ))}
          </Stack>
        </Radio.Group>
      );
    case 'photo':
      return (
        <PhotoCapture
          photoIds={entry?.photoIds ?? []}
          onChange={(photoIds) => {
            record(null, photoIds);
          }}
        />
      );
    case 'signature':
      return (
        <SignatureStep
          fileId={typeof entry?.value === 'string' ? entry.value : null}
          label={step.title}
          onSigned={(fileId) => {
            record(fileId);
          }}
        />
      );
  }
}

/** "12,5" and "12.5" both read as 12.5: technicians type what their keyboard offers. */
function parseReading(text: string): number | null {
  const normalized = text.trim().replace(',', '.');
  if (normalized === '') return null;
  const value = Number(normalized);
  return Number.isFinite(value) ? value : Number.NaN;
}

function ReadingInput({
  step,
  entry,
  onRecord,
}: {
  step: RunStep;
  entry: Entry | undefined;
  onRecord: (value: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState(() =>
    typeof entry?.value === 'number'
      ? new Intl.NumberFormat(i18n.language, { useGrouping: false, maximumFractionDigits: 10 }).format(entry.value)
      : '',
  );
  const reading = parseReading(text);
  const invalid = reading !== null && Number.isNaN(reading);
  // Checked on every keystroke: the warning must not wait for the network.
  const problem = reading === null || invalid ? null : limitProblem(step, reading);
  const range = limitRange(step, t, i18n.language);

  const commit = () => {
    if (reading !== null && !invalid && reading !== entry?.value) onRecord(reading);
  };

  return (
    <TextInput
      size="xl"
      label={step.unit ? t('runs.answer.readingIn', { unit: step.unit }) : t('runs.answer.reading')}
      description={range ? t('runs.answer.expected', { range }) : undefined}
      inputMode="decimal"
      autoComplete="off"
      value={text}
      onChange={(event) => {
        setText(event.currentTarget.value);
      }}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit();
      }}
      rightSection={step.unit ? <Text fw={600}>{step.unit}</Text> : undefined}
      rightSectionWidth={step.unit ? Math.max(56, step.unit.length * 14 + 24) : undefined}
      error={
        invalid
          ? t('runs.answer.notANumber')
          : problem
            ? limitMessage(step, problem, t, i18n.language)
            : undefined
      }
      errorProps={{ role: 'alert', fz: 'md', fw: 600 }}
    />
  );
}

function TextAnswer({ entry, onRecord }: { entry: Entry | undefined; onRecord: (value: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(typeof entry?.value === 'string' ? entry.value : '');
  const commit = () => {
    if (text.trim() && text !== entry?.value) onRecord(text);
  };
  return (
    <Textarea
      size="lg"
      label={t('runs.answer.text')}
      autosize
      minRows={3}
      value={text}
      onChange={(event) => {
        setText(event.currentTarget.value);
      }}
      onBlur={commit}
    />
  );
}
