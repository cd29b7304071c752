// Translate: a revision and a language → the translated proposal → a new draft procedure in
// that language, its code suffixed with the language and its description naming the source.
import { Button, Center, Group, Loader, NativeSelect, Stack, Title } from '@mantine/core';
import { IconLanguage } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DraftProposal, JobView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { procedureQuery, useCreateJob } from './assistantApi';
import { JobPanel } from './JobPanel';
import { languageOptions } from './languages';
import { ProcedurePicker, useRevisionChoice } from './ProcedurePicker';
import { toEditable } from './proposal';
import { ProposalEditor } from './ProposalEditor';
import type { TabProps } from './tabs';

function TranslateForm({ onJob }: Pick<TabProps, 'onJob'>) {
  const { t, i18n } = useTranslation();
  const create = useCreateJob();
  const choice = useRevisionChoice();
  const [picked, setPicked] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  // Until the person picks, offer the other of Gamme's two interface languages.
  const target = picked ?? (choice.revision?.language === 'en' ? 'fr' : 'en');
  const same = choice.revision?.language === target;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!choice.procedure || !choice.revision || same) {
          setMissing(true);
          return;
        }
        create.mutate(
          {
            kind: 'translate_revision',
            procedure_id: choice.procedure.id,
            revision_number: choice.revision.number,
            target_language: target,
          },
          { onSuccess: (job) => { onJob(job.id); } },
        );
      }}
    >
      <Stack gap="md" maw={760}>
        <Title order={2}>{t('assistant.translate.heading')}</Title>
        <ProcedurePicker choice={choice} error={missing && !choice.procedure ? t('validation.required') : undefined} />
        <NativeSelect
          label={t('assistant.language.target')}
          data={languageOptions(i18n.language)}
          value={target}
          onChange={(event) => {
            setPicked(event.currentTarget.value);
          }}
          error={same ? t('assistant.translate.sameLanguage') : undefined}
          maw={320}
        />
        <ProblemAlert error={create.error} />
        <Group>
          <Button type="submit" loading={create.isPending} leftSection={<IconLanguage size={18} aria-hidden />}>
            {t('assistant.translate.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Translation({ job }: { job: JobView }) {
  const { t } = useTranslation();
  const input = job.input as unknown as { procedure_id: string; revision_number: number; target_language: string };
  const source = useQuery(procedureQuery(input.procedure_id));
  const proposal = job.result as unknown as DraftProposal;
  if (!source.data) {
    return source.isPending ? (
      <Center py="md">
        <Loader aria-label={t('common.loading')} />
      </Center>
    ) : (
      <ProblemAlert error={source.error} />
    );
  }
  const language = input.target_language;
  // Written in the procedure's language, for its readers; i18next falls back when Gamme lacks it.
  const note = t('assistant.translate.sourceNote', {
    code: source.data.code,
    number: input.revision_number,
    lng: language,
  });
  const description = [proposal.description?.trim(), note].filter(Boolean).join('\n\n');
  const code = `${source.data.code}-${language.toUpperCase()}`;
  return <ProposalEditor key={job.id} initial={toEditable(proposal, code, description)} />;
}

export function TranslateTab({ jobId, onJob, onReset }: TabProps) {
  if (!jobId) return <TranslateForm onJob={onJob} />;
  return (
    <JobPanel id={jobId} onReset={onReset}>
      {(job) => <Translation job={job} />}
    </JobPanel>
  );
}
