// A searchable pick of one asset anywhere in the tree, indented to show where it sits.
import { Group, Select, Text, type SelectProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../../api/problem';
import { AssetKindIcon } from './AssetKindIcon';
import { useAssetOutline, type OutlineEntry } from './assetsApi';

interface Props extends Omit<SelectProps, 'data' | 'value' | 'onChange' | 'renderOption' | 'accept'> {
  value?: string | null;
  onChange?: (id: string | null) => void;
  /** Which assets may be chosen; the others are left out. */
  accept?: (entry: OutlineEntry) => boolean;
}

export function AssetSelect({ value, onChange, accept, error, ...props }: Props) {
  const { t } = useTranslation();
  const outline = useAssetOutline();
  const entries = (outline.data ?? []).filter((entry) => accept?.(entry) ?? true);
  const byId = new Map(entries.map((entry) => [entry.asset.id, entry]));

  return (
    <Select
      {...props}
      searchable
      nothingFoundMessage={t('assets.select.nothing')}
      placeholder={outline.isPending ? t('common.loading') : props.placeholder}
      disabled={outline.isPending || props.disabled}
      error={outline.isError ? problemMessage(outline.error, t) : error}
      data={entries.map(({ asset }) => ({ value: asset.id, label: `${asset.name} · ${asset.code}` }))}
      value={value ?? null}
      onChange={(id) => onChange?.(id)}
      renderOption={({ option }) => {
        const entry = byId.get(option.value);
        return (
          <Group gap={6} wrap="nowrap" pl={(entry?.depth ?? 0) * 14}>
            {entry && <AssetKindIcon kind={entry.asset.kind} size={16} />}
            <Text size="sm">{option.label}</Text>
          </Group>
        );
      }}
    />
  );
}
