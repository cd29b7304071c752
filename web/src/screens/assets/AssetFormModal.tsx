// Create an asset (kind, parent, code, name, details) or edit one's code, name and details.
import { Button, Group, Modal, NativeSelect, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { AssetKind, AssetView } from '../../api/types';
import { validateRequired } from '../../auth/validation';
import { AssetProblemAlert } from './assetProblem';
import { AssetSelect } from './AssetSelect';
import { ASSET_KINDS, PARENT_KINDS, useAssetOutline, useCreateAsset, useUpdateAsset } from './assetsApi';

// The server's rule for codes: letters, digits, dots, dashes, underscores; stored upper-case.
const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What a new asset under `parent` most likely is. */
function kindUnder(parent: AssetView | null | undefined): AssetKind {
  if (!parent) return 'site';
  return parent.kind === 'site' ? 'area' : 'equipment';
}

interface Props {
  opened: boolean;
  onClose: () => void;
  /** The asset to edit; without it, the form creates one. */
  asset?: AssetView;
  /** For a new asset: where it goes unless the user picks another parent. */
  parent?: AssetView | null;
  onSaved: (asset: AssetView) => void;
}

export function AssetFormModal({ opened, onClose, asset, parent, onSaved }: Props) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={asset ? t('assets.editTitle', { name: asset.name }) : t('assets.createTitle')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      size="lg"
    >
      {/* Rendered only while open, so each opening starts from the asset as it is now. */}
      <AssetForm asset={asset} parent={parent} onCancel={onClose} onSaved={onSaved} />
    </Modal>
  );
}

interface FormProps {
  asset: AssetView | undefined;
  parent: AssetView | null | undefined;
  onCancel: () => void;
  onSaved: (asset: AssetView) => void;
}

function AssetForm({ asset, parent, onCancel, onSaved }: FormProps) {
  const { t } = useTranslation();
  const create = useCreateAsset();
  const update = useUpdateAsset();
  const mutation = asset ? update : create;
  const outline = useAssetOutline(!asset);
  const kindOf = (id: string | null) => outline.data?.find((entry) => entry.asset.id === id)?.asset.kind;

  const form = useForm({
    initialValues: {
      kind: asset?.kind ?? kindUnder(parent),
      parent_id: asset ? null : (parent?.id ?? null),
      code: asset?.code ?? '',
      name: asset?.name ?? '',
      manufacturer: asset?.manufacturer ?? '',
      model: asset?.model ?? '',
      serial_number: asset?.serial_number ?? '',
      location: asset?.location ?? '',
    },
    validate: {
      code: (value) => (CODE_PATTERN.test(value.trim()) ? null : t('assets.validation.code')),
      name: validateRequired(t),
      parent_id: (value, values) =>
        !asset && values.kind !== 'site' && !value ? t('assets.validation.parent') : null,
    },
  });

  const kind = form.values.kind;
  const showMachineFields =
    kind === 'equipment' || Boolean(asset?.manufacturer ?? asset?.model ?? asset?.serial_number);

  const submit = form.onSubmit((values) => {
    // An emptied optional field is cleared (null), not saved as an empty string; a hidden
    // one (typed in, then the kind changed) is not saved at all.
    const optional = (value: string) => value.trim() || null;
    const machine = (value: string) => (showMachineFields ? optional(value) : null);
    const details = {
      code: values.code.trim(),
      name: values.name.trim(),
      manufacturer: machine(values.manufacturer),
      model: machine(values.model),
      serial_number: machine(values.serial_number),
      location: optional(values.location),
    };
    if (asset) {
      update.mutate({ id: asset.id, changes: details }, { onSuccess: onSaved });
    } else {
      const parentId = values.kind === 'site' ? null : values.parent_id;
      create.mutate({ ...details, kind: values.kind, parent_id: parentId }, { onSuccess: onSaved });
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <AssetProblemAlert error={mutation.error} />
        {!asset && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NativeSelect
              label={t('assets.fields.kind')}
              data={ASSET_KINDS.map((value) => ({ value, label: t(`domain.assetKind.${value}`) }))}
              value={kind}
              onChange={(event) => {
                const next = event.currentTarget.value as AssetKind;
                form.setFieldValue('kind', next);
                // A parent that cannot hold the new kind would only earn a refusal.
                const parentKind = kindOf(form.values.parent_id);
                if (parentKind && !PARENT_KINDS[next].includes(parentKind)) form.setFieldValue('parent_id', null);
              }}
            />
            {kind !== 'site' && (
              <AssetSelect
                label={t('assets.fields.parent')}
                placeholder={t('assets.parentPlaceholder')}
                required
                accept={(entry) => PARENT_KINDS[kind].includes(entry.asset.kind)}
                {...form.getInputProps('parent_id')}
              />
            )}
          </SimpleGrid>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('assets.fields.code')}
            description={t('assets.codeHint')}
            required
            autoComplete="off"
            data-autofocus
            {...form.getInputProps('code')}
          />
          <TextInput label={t('assets.fields.name')} required autoComplete="off" {...form.getInputProps('name')} />
          {/* Maker, model and serial describe a machine, not a site or an area. */}
          {showMachineFields && (
            <>
              <TextInput label={t('assets.fields.manufacturer')} {...form.getInputProps('manufacturer')} />
              <TextInput label={t('assets.fields.model')} {...form.getInputProps('model')} />
              <TextInput label={t('assets.fields.serialNumber')} {...form.getInputProps('serial_number')} />
            </>
          )}
          <TextInput label={t('assets.fields.location')} {...form.getInputProps('location')} />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {asset ? t('common.save') : t('assets.createSubmit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
