// Ask a document: documents and a question → an answer with the passages it rests on.
import { Blockquote, Button, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconMessageQuestion } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Answer, FileView, JobView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useCreateJob } from './assistantApi';
import { CitationLink } from './CitationLink';
import { DocumentPicker } from './DocumentPicker';
import { JobPanel } from './JobPanel';
import type { TabProps } from './tabs';

function AskForm({ onJob }: Pick<TabProps, 'onJob'>) {
  const { t } = useTranslation();
  const create = useCreateJob();
  const [documents, setDocuments] = useState<FileView[]>([]);
  const [question, setQuestion] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const noDocument = submitted && documents.length === 0 ? t('validation.required') : undefined;
  const noQuestion = submitted && !question.trim() ? t('validation.required') : undefined;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setSubmitted(true);
        if (documents.length === 0 || !question.trim()) return;
        create.mutate(
          { kind: 'ask_document', file_ids: documents.map((file) => file.id), question: question.trim() },
          { onSuccess: (job) => { onJob(job.id); } },
        );
      }}
    >
      <Stack gap="md" maw={760}>
        <Title order={2}>{t('assistant.ask.heading')}</Title>
        <DocumentPicker value={documents} onChange={setDocuments} error={noDocument} />
        <Textarea
          label={t('assistant.ask.question')}
          description={t('assistant.ask.questionHint')}
          required
          autosize
          minRows={2}
          maxRows={6}
          maxLength={2000}
          value={question}
          error={noQuestion}
          onChange={(event) => {
            setQuestion(event.currentTarget.value);
          }}
        />
        <ProblemAlert error={create.error} />
        <Group>
          <Button type="submit" loading={create.isPending} leftSection={<IconMessageQuestion size={18} aria-hidden />}>
            {t('assistant.ask.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AnswerView({ job }: { job: JobView }) {
  const { t } = useTranslation();
  const { question } = job.input as unknown as { question: string };
  const answer = job.result as unknown as Answer;
  return (
    <Stack gap="md">
      <Title order={2}>{t('assistant.ask.answer')}</Title>
      <Text c="dimmed" size="sm">
        {t('assistant.ask.questionLabel', { question })}
      </Text>
      <Text style={{ whiteSpace: 'pre-wrap' }}>{answer.answer}</Text>
      <Title order={3}>{t('assistant.ask.passages')}</Title>
      {answer.citations.length === 0 ? (
        <Text c="dimmed">{t('assistant.ask.noPassage')}</Text>
      ) : (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }}>
          {answer.citations.map((passage, index) => (
            <Stack component="li" gap={4} key={`${passage.file_id}:${String(passage.page)}:${String(index)}`}>
              <CitationLink citation={passage} />
              <Blockquote p="sm" color="gray">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {passage.text}
                </Text>
              </Blockquote>
            </Stack>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

export function AskTab({ jobId, onJob, onReset }: TabProps) {
  if (!jobId) return <AskForm onJob={onJob} />;
  return (
    <JobPanel id={jobId} onReset={onReset}>
      {(job) => <AnswerView job={job} />}
    </JobPanel>
  );
}
