// The history's filters. They live in the URL query, so a filtered list can be bookmarked,
// shared, and survives going to a report and back.
import { Button, Checkbox, Group, NativeSelect, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AssetRef } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { peopleQuery, procedureOptionsQuery } from './runsApi';

export const FILTER_KEYS = ['procedure', 'asset', 'technician', 'from', 'to', 'outcome', 'status', 'verification'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type FilterValues = Partial<Record<FilterKey, string>>;

interface Props {
  values: FilterValues;
  onChange: (key: FilterKey, value: string | null) => void;
  onReset: () => void;
}

export function RunFilters({ values, onChange, onReset }: Props) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const procedures = useQuery(procedureOptionsQuery);
  // Listing people is for admins; everyone else can narrow the history to their own runs.
  const people = useQuery({ ...peopleQuery, enabled: me.role === 'admin' });

  const assets = new Map<string, AssetRef>();
  for (const procedure of procedures.data ?? []) {
    for (const asset of procedure.assets) assets.set(asset.id, asset);
  }

  const set = (key: FilterKey) => (value: string | null) => {
    onChange(key, value === '' ? null : value);
  };

  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm" verticalSpacing="sm">
      <Select
        label={t('runs.filters.procedure')}
        placeholder={t('common.all')}
        searchable
        clearable
        nothingFoundMessage={t('runs.filters.nothingFound')}
        data={(procedures.data ?? []).map((p) => ({ value: p.id, label: `${p.code} · ${p.title}` }))}
        value={values.procedure ?? null}
        onChange={set('procedure')}
      />
      <Select
        label={t('runs.filters.asset')}
        placeholder={t('common.all')}
        searchable
        clearable
        nothingFoundMessage={t('runs.filters.nothingFound')}
        data={[...assets.values()].map((a) => ({ value: a.id, label: `${a.code} · ${a.name}` }))}
        value={values.asset ?? null}
        onChange={set('asset')}
      />
      {me.role === 'admin' ? (
        <Select
          label={t('runs.filters.technician')}
          placeholder={t('common.all')}
          searchable
          clearable
          nothingFoundMessage={t('runs.filters.nothingFound')}
          data={(people.data ?? []).map((u) => ({ value: u.id, label: u.display_name }))}
          value={values.technician ?? null}
          onChange={set('technician')}
        />
      ) : (
        <Checkbox
          label={t('runs.filters.mine')}
          size="md"
          mt={{ base: 0, xs: 30 }}
          checked={values.technician === me.id}
          onChange={(event) => {
            onChange('technician', event.currentTarget.checked ? me.id : null);
          }}
        />
      )}
      <TextInput
        type="date"
        label={t('runs.filters.from')}
        value={values.from ?? ''}
        max={values.to}
        onChange={(event) => {
          set('from')(event.currentTarget.value);
        }}
      />
      <TextInput
        type="date"
        label={t('runs.filters.to')}
        value={values.to ?? ''}
        min={values.from}
        onChange={(event) => {
          set('to')(event.currentTarget.value);
        }}
      />
      <NativeSelect
        label={t('runs.filters.outcome')}
        value={values.outcome ?? ''}
        onChange={(event) => {
          set('outcome')(event.currentTarget.value);
        }}
        data={[
          { value: '', label: t('common.all') },
          { value: 'passed', label: t('runs.outcome.passed') },
          { value: 'failed', label: t('runs.outcome.failed') },
        ]}
      />
      <NativeSelect
        label={t('runs.filters.status')}
        value={values.status ?? ''}
        onChange={(event) => {
          set('status')(event.currentTarget.value);
        }}
        data={[
          { value: '', label: t('common.all') },
          { value: 'in_progress', label: t('runs.status.in_progress') },
          { value: 'completed', label: t('runs.status.completed') },
        ]}
      />
      <NativeSelect
        label={t('runs.filters.verification')}
        value={values.verification ?? ''}
        onChange={(event) => {
          set('verification')(event.currentTarget.value);
        }}
        data={[
          { value: '', label: t('common.all') },
          { value: 'pending', label: t('runs.verification.pending') },
          { value: 'verified', label: t('runs.verification.verified') },
          { value: 'not_required', label: t('runs.verification.not_required') },
        ]}
      />
      <Group align="flex-end">
        <Button variant="subtle" onClick={onReset} disabled={Object.keys(values).length === 0}>
          {t('runs.filters.reset')}
        </Button>
      </Group>
    </SimpleGrid>
  );
}
