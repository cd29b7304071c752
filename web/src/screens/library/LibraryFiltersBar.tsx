// Search box and filters of the library. Typing searches as you go; the tag applies once
// chosen or entered, since only a whole tag matches.
import { Autocomplete, Grid, Loader, NativeSelect, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { RevisionStatus } from '../../api/types';
import { AssetSelect } from '../assets/AssetSelect';
import type { LibraryFilters } from './libraryApi';
import { FILTER_STATUSES, useUrlText } from './useLibraryFilters';

interface Props {
  filters: LibraryFilters;
  onChange: (changes: Partial<LibraryFilters>, options?: { replace?: boolean }) => void;
  /** Tags seen on the cards shown, offered as suggestions. */
  knownTags: readonly string[];
  showStatus: boolean;
  searching: boolean;
}

export function LibraryFiltersBar({ filters, onChange, knownTags, showStatus, searching }: Props) {
  const { t } = useTranslation();
  const search = useUrlText(filters.q, (q) => {
    onChange({ q }, { replace: true });
  });
  const searchSoon = useDebouncedCallback(search.commit, 250);
  // Each change is one navigation carrying the search as typed so far: two separate
  // updates in a row would each start from the same URL, and the second would undo the first.
  const change = (changes: Partial<LibraryFilters>) => {
    searchSoon.cancel();
    onChange({ q: search.take(), ...changes });
  };
  const tag = useUrlText(filters.tag ?? '', (value) => {
    change({ tag: value.trim() || null });
  });

  return (
    <Grid gutter="sm" align="flex-end">
      <Grid.Col span={{ base: 12, md: showStatus ? 4 : 6 }}>
        <TextInput
          type="search"
          label={t('common.search')}
          placeholder={t('library.searchPlaceholder')}
          leftSection={<IconSearch size={16} aria-hidden />}
          rightSection={searching ? <Loader size="xs" aria-label={t('common.loading')} /> : null}
          value={search.text}
          onChange={(event) => {
            search.setText(event.currentTarget.value);
            searchSoon(event.currentTarget.value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') searchSoon.flush();
          }}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
        <AssetSelect
          label={t('library.filters.asset')}
          placeholder={t('library.filters.anyAsset')}
          clearable
          clearButtonProps={{ 'aria-label': t('library.filters.clearAsset') }}
          value={filters.asset}
          onChange={(asset) => {
            change({ asset });
          }}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: showStatus ? 3 : 6, md: showStatus ? 2 : 3 }}>
        <Autocomplete
          label={t('library.filters.tag')}
          placeholder={t('library.filters.anyTag')}
          data={[...knownTags]}
          value={tag.text}
          onChange={tag.setText}
          onOptionSubmit={tag.commit}
          onBlur={() => {
            tag.commit(tag.text);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') tag.commit(tag.text);
          }}
          clearable
          clearButtonProps={{ 'aria-label': t('library.filters.clearTag') }}
          onClear={() => {
            tag.commit('');
          }}
        />
      </Grid.Col>
      {showStatus && (
        <Grid.Col span={{ base: 12, sm: 3, md: 3 }}>
          <NativeSelect
            label={t('library.filters.status')}
            value={filters.status ?? ''}
            data={[
              { value: '', label: t('library.filters.anyStatus') },
              ...FILTER_STATUSES.map((status) => ({ value: status, label: t(`domain.status.${status}`) })),
            ]}
            onChange={(event) => {
              change({ status: (event.currentTarget.value || null) as RevisionStatus | null });
            }}
          />
        </Grid.Col>
      )}
    </Grid>
  );
}
