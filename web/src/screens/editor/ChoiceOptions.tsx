// The options a choice step offers: one field each, added and removed freely.
import { ActionIcon, Button, Group, Input, Stack, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DraftValues } from './draft';

interface Props {
  form: UseFormReturnType<DraftValues>;
  /** `sections.s.steps.i` */
  path: string;
  options: string[];
  stepNumber: number;
}

export function ChoiceOptions({ form, path, options, stepNumber }: Props) {
  const { t } = useTranslation();
  const listPath = `${path}.options`;
  const listError = form.errors[listPath];
  return (
    <Input.Wrapper labelElement="div" label={t('editor.step.options')} error={listError} required>
      <Stack gap="xs" mt={4} role="group" aria-label={t('editor.step.optionsOf', { number: stepNumber })}>
        {options.map((_, o) => (
          <Group key={o} gap="xs" wrap="nowrap" align="flex-start">
            <TextInput
              flex={1}
              aria-label={t('editor.step.option', { index: o + 1, number: stepNumber })}
              placeholder={t('editor.step.option', { index: o + 1, number: stepNumber })}
              {...form.getInputProps(`${listPath}.${String(o)}`)}
            />
            <ActionIcon
              variant="subtle"
              color="red"
              size="lg"
              aria-label={t('editor.step.removeOption', { index: o + 1, number: stepNumber })}
              onClick={() => {
                form.removeListItem(listPath, o);
              }}
            >
              <IconTrash size={18} aria-hidden />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button
            size="xs"
            variant="light"
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => {
              form.insertListItem(listPath, '');
            }}
          >
            {t('editor.step.addOption')}
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}
