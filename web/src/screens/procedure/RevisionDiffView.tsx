// What changed between two revisions, readable without colour: every change says in words
// (and with an icon) whether it was added, removed, moved or changed.
import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconArrowsMove, IconMinus, IconPencil, IconPlus } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { STEP_KINDS, WARNING_LEVELS, type RevisionDiff, type StepKind, type WarningLevel } from '../../api/types';
import { useFormat, type Format } from './format';

type FieldChange = RevisionDiff['fields'][number];

const FIELDS = [
  'title',
  'description',
  'tags',
  'language',
  'estimated_minutes',
  'tools',
  'parts',
  'ppe',
  'kind',
  'body',
  'warning_level',
  'warning_text',
  'required',
  'unit',
  'min',
  'max',
  'options',
  'attachments',
] as const;
type KnownField = (typeof FIELDS)[number];

function isKnownField(field: string): field is KnownField {
  return (FIELDS as readonly string[]).includes(field);
}

const isStepKind = (value: unknown): value is StepKind => STEP_KINDS.includes(value as StepKind);
const isWarningLevel = (value: unknown): value is WarningLevel => WARNING_LEVELS.includes(value as WarningLevel);

function fieldLabel(field: string, t: TFunction): string {
  return isKnownField(field) ? t(`procedure.fields.${field}`) : field;
}

/** A field's value as a person reads it; the API sends plain JSON. */
function displayValue(field: string, value: unknown, t: TFunction, format: Format): string {
  if (value === null || value === undefined || value === '') return t('procedure.diff.empty');
  if (field === 'kind' && isStepKind(value)) return t(`domain.stepKind.${value}`);
  if (field === 'warning_level' && isWarningLevel(value)) return t(`domain.warningLevel.${value}`);
  if (field === 'attachments' && Array.isArray(value)) return t('procedure.diff.files', { count: value.length });
  if (typeof value === 'boolean') return t(value ? 'procedure.diff.yes' : 'procedure.diff.no');
  if (typeof value === 'number') return format.number(value);
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : t('procedure.diff.empty');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

const TONES = {
  added: { color: 'green', icon: IconPlus },
  removed: { color: 'red', icon: IconMinus },
  moved: { color: 'blue', icon: IconArrowsMove },
  changed: { color: 'orange', icon: IconPencil },
} as const;
type Tone = keyof typeof TONES;

function ChangeBadge({ tone }: { tone: Tone }) {
  const { t } = useTranslation();
  const { color, icon: Icon } = TONES[tone];
  return (
    <Badge color={color} variant="light" tt="none" leftSection={<Icon size={14} aria-hidden />} style={{ flexShrink: 0 }}>
      {t(`procedure.diff.${tone}`)}
    </Badge>
  );
}

function ValueBox({ label, tone, children }: { label: string; tone: 'before' | 'after'; children: string }) {
  const color = tone === 'before' ? 'red' : 'green';
  return (
    <Paper p="xs" radius="sm" bg={`var(--mantine-color-${color}-0)`} style={{ borderLeft: `3px solid var(--mantine-color-${color}-7)` }}>
      <Text size="xs" fw={700} c={`${color}.9`}>
        {label}
      </Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} td={tone === 'before' ? 'line-through' : undefined}>
        {children}
      </Text>
    </Paper>
  );
}

function FieldChanges({ changes }: { changes: readonly FieldChange[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Stack gap="xs">
      {changes.map((change) => (
        <div key={change.field}>
          <Text size="sm" fw={600}>
            {fieldLabel(change.field, t)}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
            <ValueBox label={t('procedure.diff.before')} tone="before">
              {displayValue(change.field, change.before, t, format)}
            </ValueBox>
            <ValueBox label={t('procedure.diff.after')} tone="after">
              {displayValue(change.field, change.after, t, format)}
            </ValueBox>
          </SimpleGrid>
        </div>
      ))}
    </Stack>
  );
}

function StepLine({ tone, children, detail }: { tone: Tone; children: ReactNode; detail?: ReactNode }) {
  return (
    <Paper withBorder p="sm" component="li" style={{ listStyle: 'none', borderLeft: `4px solid var(--mantine-color-${TONES[tone].color}-7)` }}>
      <Stack gap="xs">
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <ChangeBadge tone={tone} />
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {children}
          </Text>
        </Group>
        {detail}
      </Stack>
    </Paper>
  );
}

export function RevisionDiffView({ diff }: { diff: RevisionDiff }) {
  const { t } = useTranslation();
  const empty =
    diff.fields.length + diff.added.length + diff.removed.length + diff.moved.length + diff.changed.length === 0;
  const stepName = (number: number, title: string) => t('procedure.diff.step', { number, title });

  return (
    <Stack gap="md" aria-live="polite">
      <Text fw={600}>{t('procedure.diff.summary', { from: diff.from_number, to: diff.to_number })}</Text>
      {empty && <Text c="dimmed">{t('procedure.diff.none')}</Text>}
      {diff.fields.length > 0 && (
        <Stack gap="xs">
          <Title order={3} size="h4">
            {t('procedure.diff.fieldsTitle')}
          </Title>
          <FieldChanges changes={diff.fields} />
        </Stack>
      )}
      {diff.added.length + diff.removed.length + diff.moved.length + diff.changed.length > 0 && (
        <Stack gap="xs">
          <Title order={3} size="h4">
            {t('procedure.diff.stepsTitle')}
          </Title>
          <Stack component="ul" gap="xs" p={0} m={0}>
            {diff.added.map((step) => (
              <StepLine key={step.key} tone="added">
                {stepName(step.number, step.title)}
              </StepLine>
            ))}
            {diff.removed.map((step) => (
              <StepLine key={step.key} tone="removed">
                {stepName(step.number, step.title)}
              </StepLine>
            ))}
            {diff.moved.map((step) => (
              <StepLine key={step.key} tone="moved">
                {t('procedure.diff.movedFrom', { title: step.title, from: step.from_number, to: step.to_number })}
              </StepLine>
            ))}
            {diff.changed.map((step) => (
              <StepLine key={step.key} tone="changed" detail={<FieldChanges changes={step.changes} />}>
                {stepName(step.to_number, step.title)}
                {step.moved && ` — ${t('procedure.diff.alsoMoved', { from: step.from_number, to: step.to_number })}`}
              </StepLine>
            ))}
          </Stack>
        </Stack>
      )}
    </Stack>
  );
}
