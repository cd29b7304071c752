// The assistant's proposal, for the author to check and correct, then save as a new draft
// procedure (which still goes through review and approval like any other).
import { Alert, Button, Group, NativeSelect, SimpleGrid, Stack, TagsInput, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useCreateProcedure } from './assistantApi';
import { languageOptions } from './languages';
import { CODE_PATTERN, toCreateProcedure, type EditableProposal } from './proposal';
import { StepEditor } from './StepEditor';

export function ProposalEditor({ initial }: { initial: EditableProposal }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateProcedure();
  const form = useForm<EditableProposal>({
    initialValues: initial,
    validate: (values) => {
      const errors: Record<string, string> = {};
      const code = values.code.trim();
      if (!code) errors.code = t('validation.required');
      else if (!CODE_PATTERN.test(code)) errors.code = t('assistant.proposal.codeInvalid');
      if (!values.title.trim()) errors.title = t('validation.required');
      if (values.steps.length === 0) errors.steps = t('assistant.proposal.noSteps');
      values.steps.forEach((step, index) => {
        if (!step.title.trim()) errors[`steps.${String(index)}.title`] = t('validation.required');
      });
      return errors;
    },
  });

  const save = (values: EditableProposal) => {
    create.mutate(toCreateProcedure(values), {
      onSuccess: (procedure) => {
        notifications.show({ color: 'green', message: t('assistant.proposal.saved', { code: procedure.code }) });
        void navigate(`/procedures/${procedure.id}`);
      },
      onError: (error) => {
        // A taken code is the author's to fix, next to the field.
        if (error instanceof ApiError && error.code === 'code_taken') {
          form.setFieldError('code', t('assistant.proposal.codeTaken'));
        }
      },
    });
  };
  const saveError =
    create.error instanceof ApiError && create.error.code === 'code_taken' ? null : create.error;

  const { steps } = form.values;
  return (
    <form onSubmit={form.onSubmit(save)} noValidate>
      <Stack gap="md">
        <div>
          <Title order={2}>{t('assistant.proposal.heading')}</Title>
          <Text c="dimmed" size="sm">
            {t('assistant.proposal.intro')}
          </Text>
        </div>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label={t('assistant.proposal.code')}
            description={t('assistant.proposal.codeHint')}
            required
            autoComplete="off"
            {...form.getInputProps('code')}
          />
          <TextInput label={t('assistant.proposal.title')} required {...form.getInputProps('title')} />
          <NativeSelect
            label={t('assistant.language.label')}
            data={languageOptions(i18n.language)}
            {...form.getInputProps('language')}
          />
        </SimpleGrid>
        <Textarea
          label={t('assistant.proposal.description')}
          autosize
          minRows={2}
          maxRows={6}
          {...form.getInputProps('description')}
        />
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <TagsInput
            label={t('assistant.proposal.tools')}
            description={t('assistant.proposal.listHint')}
            {...form.getInputProps('tools')}
          />
          <TagsInput
            label={t('assistant.proposal.ppe')}
            description={t('assistant.proposal.listHint')}
            {...form.getInputProps('ppe')}
          />
          <TagsInput
            label={t('assistant.proposal.parts')}
            description={t('assistant.proposal.listHint')}
            {...form.getInputProps('parts')}
          />
        </SimpleGrid>

        <Title order={3}>{t('assistant.proposal.steps')}</Title>
        {steps.map((step, index) => (
          <Stack key={step.uid} gap="xs">
            {step.section && step.section !== steps[index - 1]?.section && (
              <Title order={4}>{t('assistant.proposal.section', { title: step.section })}</Title>
            )}
            <StepEditor form={form} step={step} index={index} />
          </Stack>
        ))}
        {form.errors.steps && (
          <Alert color="red" variant="light" role="alert">
            {form.errors.steps}
          </Alert>
        )}

        <ProblemAlert error={saveError} />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending} leftSection={<IconDeviceFloppy size={18} aria-hidden />}>
            {t('assistant.proposal.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
