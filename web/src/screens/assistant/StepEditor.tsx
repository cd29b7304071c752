// One proposed step: its fields on one side, the pages it was drawn from on the other, so the
// author checks each step against its source.
import {
  ActionIcon,
  Checkbox,
  Fieldset,
  Grid,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { STEP_KINDS, WARNING_LEVELS, type Citation, type WarningLevel } from '../../api/types';
import { WarningCallout } from '../../components/WarningCallout';
import { CitationLink } from './CitationLink';
import { LimitSourceNote } from './LimitSourceNote';
import { stepProvenance, type EditableProposal, type EditableStep } from './proposal';

function uniqueCitations(citations: readonly Citation[]): Citation[] {
  const seen = new Set<string>();
  return citations.filter((c) => {
    const key = `${c.file_id}:${String(c.page)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface Props {
  form: UseFormReturnType<EditableProposal>;
  step: EditableStep;
  index: number;
}

export function StepEditor({ form, step, index }: Props) {
  const { t } = useTranslation();
  const number = index + 1;
  const path = `steps.${String(index)}`;
  const citations = uniqueCitations(step.citations);
  const origin = stepProvenance(step);

  return (
    <Fieldset legend={t('assistant.proposal.stepHeading', { number })} id={`proposal-step-${String(number)}`}>
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="sm">
            <WarningCallout level={step.warningLevel} text={step.warningText} />
            <Group align="flex-end" wrap="nowrap" gap="xs">
              <NativeSelect
                label={t('assistant.proposal.kind')}
                data={STEP_KINDS.map((kind) => ({ value: kind, label: t(`domain.stepKind.${kind}`) }))}
                style={{ flex: 1 }}
                {...form.getInputProps(`${path}.kind`)}
                onChange={(event) => {
                  form.setFieldValue(`${path}.kind`, event.currentTarget.value);
                }}
              />
              <ActionIcon
                variant="light"
                color="red"
                size="input-sm"
                aria-label={t('assistant.proposal.removeStep', { number })}
                onClick={() => {
                  form.removeListItem('steps', index);
                }}
              >
                <IconTrash size={18} aria-hidden />
              </ActionIcon>
            </Group>
            <TextInput label={t('assistant.proposal.stepTitle')} required {...form.getInputProps(`${path}.title`)} />
            <Textarea
              label={t('assistant.proposal.stepBody')}
              autosize
              minRows={1}
              maxRows={8}
              {...form.getInputProps(`${path}.body`)}
            />
            {step.kind === 'number' && (
              <Group grow align="flex-start" gap="xs" wrap="wrap">
                <NumberInput
                  label={t('assistant.proposal.min')}
                  miw={90}
                  {...form.getInputProps(`${path}.min`)}
                  value={step.min ?? ''}
                  onChange={(value) => {
                    form.setFieldValue(`${path}.min`, typeof value === 'number' ? value : null);
                  }}
                />
                <NumberInput
                  label={t('assistant.proposal.max')}
                  miw={90}
                  {...form.getInputProps(`${path}.max`)}
                  value={step.max ?? ''}
                  onChange={(value) => {
                    form.setFieldValue(`${path}.max`, typeof value === 'number' ? value : null);
                  }}
                />
                <TextInput label={t('assistant.proposal.unit')} miw={90} {...form.getInputProps(`${path}.unit`)} />
              </Group>
            )}
            {origin && <LimitSourceNote provenance={origin} />}
            {step.kind === 'choice' && (
              <TagsInput
                label={t('assistant.proposal.options')}
                description={t('assistant.proposal.listHint')}
                {...form.getInputProps(`${path}.options`)}
              />
            )}
            <Group grow align="flex-start" gap="xs" wrap="wrap">
              <NativeSelect
                label={t('assistant.proposal.warningLevel')}
                miw={140}
                data={[
                  { value: '', label: t('assistant.proposal.noWarning') },
                  ...WARNING_LEVELS.map((level) => ({ value: level, label: t(`domain.warningLevel.${level}`) })),
                ]}
                value={step.warningLevel ?? ''}
                onChange={(event) => {
                  const level = event.currentTarget.value;
                  form.setFieldValue(`${path}.warningLevel`, level ? (level as WarningLevel) : null);
                }}
              />
              {step.warningLevel && (
                <TextInput
                  label={t('assistant.proposal.warningText')}
                  miw={180}
                  {...form.getInputProps(`${path}.warningText`)}
                />
              )}
            </Group>
            <Checkbox
              label={t('domain.required')}
              {...form.getInputProps(`${path}.required`, { type: 'checkbox' })}
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap={6}>
            <Text size="sm" fw={600}>
              {t('assistant.citation.sources')}
            </Text>
            {citations.length > 0 ? (
              citations.map((citation) => (
                <CitationLink key={`${citation.file_id}:${String(citation.page)}`} citation={citation} />
              ))
            ) : (
              <Text size="sm" c="dimmed">
                {t('assistant.citation.noSource')}
              </Text>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
    </Fieldset>
  );
}
