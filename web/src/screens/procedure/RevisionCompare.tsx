// Pick two revisions and see what changed between them.
import { Center, Group, Loader, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/ProblemAlert';
import { diffQuery } from './procedureApi';
import { RevisionDiffView } from './RevisionDiffView';

interface Props {
  procedureId: string;
  /** Revision numbers, newest first. */
  numbers: readonly number[];
}

export function RevisionCompare({ procedureId, numbers }: Props) {
  const { t } = useTranslation();
  const [newest = 0, previous = newest] = numbers;
  // By default: what the newest revision changed from the one before it.
  const [from, setFrom] = useState(previous);
  const [to, setTo] = useState(newest);
  const diff = useQuery({ ...diffQuery(procedureId, from, to), enabled: numbers.length > 1 && from !== to });

  if (numbers.length < 2) {
    return <Text c="dimmed">{t('procedure.diff.single')}</Text>;
  }
  const options = numbers.map((n) => ({ value: String(n), label: t('procedure.revisionNumber', { number: n }) }));

  return (
    <Stack gap="sm" component="section" aria-labelledby="procedure-compare-title">
      <Title order={2} size="h3" id="procedure-compare-title">
        {t('procedure.diff.title')}
      </Title>
      <Group gap="sm" align="flex-end">
        <NativeSelect
          label={t('procedure.diff.from')}
          data={options}
          value={String(from)}
          onChange={(event) => {
            setFrom(Number(event.currentTarget.value));
          }}
          miw={160}
        />
        <NativeSelect
          label={t('procedure.diff.to')}
          data={options}
          value={String(to)}
          onChange={(event) => {
            setTo(Number(event.currentTarget.value));
          }}
          miw={160}
        />
      </Group>
      {from === to ? (
        <Text c="dimmed">{t('procedure.diff.same')}</Text>
      ) : diff.isPending ? (
        <Center py="md">
          <Loader size="sm" aria-label={t('common.loading')} />
        </Center>
      ) : diff.isError ? (
        <ProblemAlert error={diff.error} />
      ) : (
        <RevisionDiffView diff={diff.data} />
      )}
    </Stack>
  );
}
