// What a step asks of the technician beyond reading it: a reading's unit and limits (with the
// passage of the manual they were read in), the options of a choice.
import { Badge, Group, Stack, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { StepView } from '../../api/types';
import { LimitSourceNote } from '../assistant/LimitSourceNote';
import { useFormat } from './format';

export function numberLimits(
  step: Pick<StepView, 'min' | 'max' | 'unit'>,
  t: TFunction,
  format: (value: number) => string,
): string | null {
  const unit = step.unit ?? '';
  const min = step.min ?? null;
  const max = step.max ?? null;
  if (min !== null && max !== null) return t('procedure.step.between', { min: format(min), max: format(max), unit });
  if (min !== null) return t('procedure.step.atLeast', { min: format(min), unit });
  if (max !== null) return t('procedure.step.atMost', { max: format(max), unit });
  return unit ? t('procedure.step.unitOnly', { unit }) : null;
}

export function StepExpectation({ step }: { step: StepView }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (step.kind === 'number') {
    const limits = numberLimits(step, t, format.number);
    if (!limits) return null;
    return (
      <Stack gap={4}>
        <Text size="sm">
          <Text span fw={600}>
            {t('procedure.step.expected')}
          </Text>{' '}
          {limits.trim()}
        </Text>
        {step.limit_source && <LimitSourceNote provenance={{ state: 'read', source: step.limit_source }} />}
      </Stack>
    );
  }
  if (step.kind === 'choice' && step.options.length > 0) {
    return (
      <Group gap={6} align="center">
        <Text size="sm" fw={600}>
          {t('procedure.step.options')}
        </Text>
        {step.options.map((option) => (
          <Badge key={option} variant="outline" color="gray" tt="none">
            {option}
          </Badge>
        ))}
      </Group>
    );
  }
  return null;
}
