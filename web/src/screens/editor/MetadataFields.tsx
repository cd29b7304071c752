// What a procedure is about: code, title, language, description, tags, equipment, duration,
// and what to bring (tools, parts, PPE).
import { Checkbox, Grid, MultiSelect, NativeSelect, NumberInput, TagsInput, Text, TextInput, Textarea } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AssetRef } from '../../api/types';
import { useAllAssets } from './editorApi';
import type { DraftValues } from './draft';

interface Props {
  form: UseFormReturnType<DraftValues>;
  /** Set once the procedure exists: the code cannot change afterwards. */
  fixedCode: string | null;
  /** Assets already linked, shown before the whole list is loaded. */
  linked: AssetRef[];
}

const assetLabel = (asset: { code: string; name: string }) => `${asset.code} · ${asset.name}`;

function AssetPicker({ form, linked }: Pick<Props, 'form' | 'linked'>) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const assets = useAllAssets(opened);

  // Grouped by site, so "Pump 1" of two plants can be told apart.
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const { asset, site } of assets.data ?? []) {
    if (asset.archived && !form.getValues().asset_ids.includes(asset.id)) continue;
    const items = groups.get(site.name) ?? [];
    items.push({ value: asset.id, label: assetLabel(asset) });
    groups.set(site.name, items);
  }
  const known = new Set([...groups.values()].flat().map((item) => item.value));
  const extra = linked.filter((asset) => !known.has(asset.id)).map((asset) => ({ value: asset.id, label: assetLabel(asset) }));
  const data = [...extra, ...[...groups].map(([group, items]) => ({ group, items }))];

  return (
    <MultiSelect
      label={t('editor.fields.assets')}
      description={t('editor.fields.assetsHint')}
      data={data}
      searchable
      clearable
      hidePickedOptions
      onDropdownOpen={() => {
        setOpened(true);
      }}
      nothingFoundMessage={assets.isFetching ? t('common.loading') : t('editor.fields.noAssets')}
      {...form.getInputProps('asset_ids')}
    />
  );
}

export function MetadataFields({ form, fixedCode, linked }: Props) {
  const { t } = useTranslation();
  return (
    <Grid gutter="md">
      <Grid.Col span={{ base: 12, sm: 4 }}>
        {fixedCode === null ? (
          <TextInput
            label={t('editor.fields.code')}
            description={t('editor.fields.codeHint')}
            required
            autoComplete="off"
            styles={{ input: { textTransform: 'uppercase' } }}
            {...form.getInputProps('code')}
          />
        ) : (
          <TextInput label={t('editor.fields.code')} description={t('editor.fields.codeFixed')} value={fixedCode} readOnly />
        )}
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 8 }}>
        <TextInput label={t('editor.fields.title')} required {...form.getInputProps('title')} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 4 }}>
        <NativeSelect
          label={t('editor.fields.language')}
          data={[
            { value: 'fr', label: t('language.frName') },
            { value: 'en', label: t('language.enName') },
          ]}
          {...form.getInputProps('language')}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 4 }}>
        <NumberInput
          label={t('editor.fields.duration')}
          min={0}
          max={100_000}
          allowDecimal={false}
          allowNegative={false}
          rightSection={<Text size="xs" c="dimmed" pr="xs">{t('editor.fields.minutesUnit')}</Text>}
          rightSectionWidth={48}
          {...form.getInputProps('estimated_minutes')}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 4 }}>
        <TagsInput label={t('editor.fields.tags')} description={t('editor.fields.listHint')} clearable {...form.getInputProps('tags')} />
      </Grid.Col>
      <Grid.Col span={12}>
        <Textarea label={t('editor.fields.description')} autosize minRows={2} maxRows={8} {...form.getInputProps('description')} />
      </Grid.Col>
      <Grid.Col span={12}>
        <AssetPicker form={form} linked={linked} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <TagsInput label={t('editor.fields.tools')} description={t('editor.fields.listHint')} {...form.getInputProps('tools')} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <TagsInput label={t('editor.fields.parts')} description={t('editor.fields.listHint')} {...form.getInputProps('parts')} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <TagsInput label={t('editor.fields.ppe')} description={t('editor.fields.listHint')} {...form.getInputProps('ppe')} />
      </Grid.Col>
      <Grid.Col span={12}>
        <Checkbox
          label={t('editor.fields.requiresVerification')}
          description={t('editor.fields.requiresVerificationHint')}
          {...form.getInputProps('requires_verification', { type: 'checkbox' })}
        />
      </Grid.Col>
    </Grid>
  );
}
