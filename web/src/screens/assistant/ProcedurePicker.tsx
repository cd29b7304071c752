// Choose a procedure (searched on the server) and one of its revisions, the newest by default.
import { Group, Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProcedureSummary, RevisionSummary } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { procedureSearchQuery, revisionsQuery } from './assistantApi';
import { languageName } from './languages';

export type PickedProcedure = Pick<ProcedureSummary, 'id' | 'code' | 'title'>;

export interface RevisionChoice {
  procedure: PickedProcedure | null;
  revision: RevisionSummary | null;
  pickProcedure: (procedure: PickedProcedure | null) => void;
  pickRevision: (number: number) => void;
  revisions: RevisionSummary[];
  error: unknown;
}

export function useRevisionChoice(): RevisionChoice {
  const [procedure, setProcedure] = useState<PickedProcedure | null>(null);
  const [chosen, setChosen] = useState<number | null>(null);
  const revisions = useQuery({ ...revisionsQuery(procedure?.id ?? ''), enabled: procedure !== null });
  const list = procedure ? (revisions.data ?? []) : [];
  return {
    procedure,
    revision: list.find((r) => r.number === chosen) ?? list[0] ?? null,
    pickProcedure: (next) => {
      setProcedure(next);
      setChosen(null);
    },
    pickRevision: setChosen,
    revisions: list,
    error: revisions.error,
  };
}

const label = (p: PickedProcedure) => `${p.code} · ${p.title}`;

export function ProcedurePicker({ choice, error }: { choice: RevisionChoice; error?: string | undefined }) {
  const { t, i18n } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  // Once picked, the box shows the procedure's label: that is not a search.
  const searching = choice.procedure && debounced === label(choice.procedure) ? '' : debounced;
  const found = useQuery(procedureSearchQuery(searching));

  const known = new Map<string, PickedProcedure>();
  for (const p of [...(choice.procedure ? [choice.procedure] : []), ...(found.data ?? [])]) known.set(p.id, p);

  return (
    <>
      <Group grow align="flex-start" wrap="wrap" gap="md">
        <Select
          label={t('assistant.picker.procedure')}
          placeholder={t('assistant.picker.procedurePlaceholder')}
          nothingFoundMessage={t('assistant.picker.nothingFound')}
          data={[...known.values()].map((p) => ({ value: p.id, label: label(p) }))}
          // The server already searched: do not filter its answers a second time.
          filter={({ options }) => options}
          value={choice.procedure?.id ?? null}
          onChange={(id) => {
            choice.pickProcedure(id ? (known.get(id) ?? null) : null);
          }}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          clearable
          required
          error={error}
          miw={240}
        />
        <Select
          label={t('assistant.picker.revision')}
          data={choice.revisions.map((r) => ({
            value: String(r.number),
            label: t('assistant.picker.revisionOption', {
              number: r.number,
              status: t(`domain.status.${r.status}`),
              language: languageName(r.language, i18n.language),
            }),
          }))}
          value={choice.revision ? String(choice.revision.number) : null}
          onChange={(value) => {
            if (value) choice.pickRevision(Number(value));
          }}
          allowDeselect={false}
          disabled={choice.revisions.length === 0}
          required
          miw={220}
        />
      </Group>
      <ProblemAlert error={found.error ?? choice.error} />
    </>
  );
}
