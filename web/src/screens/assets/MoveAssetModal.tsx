// Move an asset under another parent; the asset keeps its procedures and its runs.
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AssetView } from '../../api/types';
import { AssetProblemAlert } from './assetProblem';
import { AssetSelect } from './AssetSelect';
import { PARENT_KINDS, useUpdateAsset } from './assetsApi';

interface Props {
  opened: boolean;
  onClose: () => void;
  asset: AssetView;
  onMoved: (asset: AssetView) => void;
}

export function MoveAssetModal({ opened, onClose, asset, onMoved }: Props) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('assets.moveTitle', { name: asset.name })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <MoveForm asset={asset} onCancel={onClose} onMoved={onMoved} />
    </Modal>
  );
}

function MoveForm({ asset, onCancel, onMoved }: { asset: AssetView; onCancel: () => void; onMoved: Props['onMoved'] }) {
  const { t } = useTranslation();
  const update = useUpdateAsset();
  const [parentId, setParentId] = useState<string | null>(asset.parent_id ?? null);
  const [missing, setMissing] = useState(false);

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!parentId) {
          setMissing(true);
          return;
        }
        update.mutate({ id: asset.id, changes: { parent_id: parentId } }, { onSuccess: onMoved });
      }}
    >
      <Stack>
        <Text size="sm">{t('assets.moveIntro')}</Text>
        <AssetProblemAlert error={update.error} action="move" />
        {/* Assets under this one stay on offer: the server is the judge of loops, and says so. */}
        <AssetSelect
          label={t('assets.fields.newParent')}
          required
          data-autofocus
          accept={(entry) => entry.asset.id !== asset.id && PARENT_KINDS[asset.kind].includes(entry.asset.kind)}
          value={parentId}
          onChange={(id) => {
            setParentId(id);
            setMissing(false);
            update.reset();
          }}
          error={missing ? t('assets.validation.parent') : undefined}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={update.isPending} disabled={parentId === asset.parent_id}>
            {t('assets.moveSubmit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
