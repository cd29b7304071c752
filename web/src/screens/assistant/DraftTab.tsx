// Draft: documents and/or a description of the job → the assistant's proposal → a new draft.
import { Button, Group, NativeSelect, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconSparkles } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DraftProposal, FileView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useCreateJob } from './assistantApi';
import { DocumentPicker } from './DocumentPicker';
import { JobPanel } from './JobPanel';
import { defaultLanguage, languageOptions } from './languages';
import { toEditable } from './proposal';
import { ProposalEditor } from './ProposalEditor';
import type { TabProps } from './tabs';

function DraftForm({ onJob }: Pick<TabProps, 'onJob'>) {
  const { t, i18n } = useTranslation();
  const create = useCreateJob();
  const [documents, setDocuments] = useState<FileView[]>([]);
  const [prompt, setPrompt] = useState('');
  const [language, setLanguage] = useState(() => defaultLanguage(i18n.language));
  const [missing, setMissing] = useState(false);

  const submit = () => {
    if (documents.length === 0 && !prompt.trim()) {
      setMissing(true);
      return;
    }
    create.mutate(
      {
        kind: 'draft_procedure',
        file_ids: documents.map((file) => file.id),
        prompt: prompt.trim() || null,
        language,
      },
      { onSuccess: (job) => { onJob(job.id); } },
    );
  };

  const missingError = missing && documents.length === 0 && !prompt.trim() ? t('assistant.draft.needSource') : undefined;
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap="md" maw={760}>
        <Title order={2}>{t('assistant.draft.heading')}</Title>
        <DocumentPicker value={documents} onChange={setDocuments} error={missingError} />
        <Textarea
          label={t('assistant.draft.prompt')}
          description={t('assistant.draft.promptHint')}
          autosize
          minRows={3}
          maxRows={10}
          value={prompt}
          error={missingError}
          onChange={(event) => {
            setPrompt(event.currentTarget.value);
          }}
        />
        <NativeSelect
          label={t('assistant.language.label')}
          data={languageOptions(i18n.language)}
          value={language}
          onChange={(event) => {
            setLanguage(event.currentTarget.value);
          }}
          maw={320}
        />
        <ProblemAlert error={create.error} />
        <Group>
          <Button type="submit" loading={create.isPending} leftSection={<IconSparkles size={18} aria-hidden />}>
            {t('assistant.draft.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function DraftTab({ jobId, onJob, onReset }: TabProps) {
  const { t } = useTranslation();
  if (!jobId) return <DraftForm onJob={onJob} />;
  return (
    <JobPanel id={jobId} onReset={onReset}>
      {(job) => {
        const proposal = job.result as DraftProposal | null | undefined;
        return proposal ? (
          <ProposalEditor key={job.id} initial={toEditable(proposal, '')} />
        ) : (
          <Text>{t('errors.generic')}</Text>
        );
      }}
    </JobPanel>
  );
}
