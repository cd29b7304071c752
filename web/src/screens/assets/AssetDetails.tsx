// One asset: where it sits, its details, the editors' actions, the work due, its procedures and runs.
import { Anchor, Breadcrumbs, Button, Center, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconArchive, IconArrowsMove, IconPencil, IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { AssetDetail, AssetView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AssetFormModal } from './AssetFormModal';
import { AssetKindIcon } from './AssetKindIcon';
import { assetProblemMessage } from './assetProblem';
import { AssetProcedures } from './AssetProcedures';
import { AssetRuns } from './AssetRuns';
import { assetQuery, useArchiveAsset } from './assetsApi';
import { MoveAssetModal } from './MoveAssetModal';
import { AssetWork } from '../work/AssetWork';

interface Props {
  id: string;
  canEdit: boolean;
  onAddChild: (parent: AssetView) => void;
}

export function AssetDetails({ id, canEdit, onAddChild }: Props) {
  const { t } = useTranslation();
  const detail = useQuery(assetQuery(id));

  if (detail.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (detail.isError) return <ProblemAlert error={detail.error} />;

  const asset = detail.data;
  return (
    <Stack gap="lg">
      <Paper withBorder p="md">
        <Stack gap="md">
          <AssetHeader asset={asset} canEdit={canEdit} onAddChild={onAddChild} />
          <AssetFacts asset={asset} />
        </Stack>
      </Paper>
      <AssetWork assetId={asset.id} />
      <AssetProcedures assetId={asset.id} />
      <AssetRuns assetId={asset.id} />
    </Stack>
  );
}

function AssetHeader({ asset, canEdit, onAddChild }: { asset: AssetDetail; canEdit: boolean; onAddChild: Props['onAddChild'] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const archive = useArchiveAsset();
  const [editing, editModal] = useDisclosure(false);
  const [moving, moveModal] = useDisclosure(false);
  const parent = asset.ancestors.at(-1);

  const confirmArchive = () => {
    modals.openConfirmModal({
      title: t('assets.archiveTitle', { name: asset.name }),
      children: <Text size="sm">{t('assets.archiveBody', { name: asset.name })}</Text>,
      labels: { confirm: t('assets.archive'), cancel: t('common.cancel') },
      confirmProps: { color: 'red' },
      onConfirm: () => {
        archive.mutate(asset.id, {
          onSuccess: () => {
            notifications.show({ color: 'green', message: t('assets.archivedDone', { name: asset.name }) });
            void navigate(parent ? `/assets/${parent.id}` : '/assets');
          },
          onError: (error) =>
            notifications.show({ color: 'red', title: t('errors.title'), message: assetProblemMessage(error, t) }),
        });
      },
    });
  };

  return (
    <Stack gap="xs">
      {asset.ancestors.length > 0 && (
        <nav aria-label={t('assets.breadcrumb')}>
          <Breadcrumbs separatorMargin={6} style={{ flexWrap: 'wrap' }}>
            {asset.ancestors.map((ancestor) => (
              <Anchor key={ancestor.id} component={Link} to={`/assets/${ancestor.id}`} size="sm">
                {ancestor.name}
              </Anchor>
            ))}
          </Breadcrumbs>
        </nav>
      )}
      <Group gap="xs" c="dimmed">
        <AssetKindIcon kind={asset.kind} size={16} />
        <Text size="sm">{t(`domain.assetKind.${asset.kind}`)}</Text>
        <Text size="sm" ff="monospace">
          {asset.code}
        </Text>
      </Group>
      <Title order={2}>{asset.name}</Title>
      {canEdit && (
        <Group gap="xs">
          <Button variant="default" size="sm" leftSection={<IconPencil size={16} aria-hidden />} onClick={editModal.open}>
            {t('common.edit')}
          </Button>
          {asset.kind !== 'site' && (
            <Button variant="default" size="sm" leftSection={<IconArrowsMove size={16} aria-hidden />} onClick={moveModal.open}>
              {t('assets.move')}
            </Button>
          )}
          <Button
            variant="default"
            size="sm"
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => {
              onAddChild(asset);
            }}
          >
            {t('assets.addChild')}
          </Button>
          <Button
            variant="light"
            color="red"
            size="sm"
            leftSection={<IconArchive size={16} aria-hidden />}
            loading={archive.isPending}
            onClick={confirmArchive}
          >
            {t('assets.archive')}
          </Button>
        </Group>
      )}
      <AssetFormModal
        opened={editing}
        onClose={editModal.close}
        asset={asset}
        onSaved={() => {
          editModal.close();
          notifications.show({ color: 'green', message: t('assets.saved') });
        }}
      />
      {asset.kind !== 'site' && (
        <MoveAssetModal
          opened={moving}
          onClose={moveModal.close}
          asset={asset}
          onMoved={(moved) => {
            moveModal.close();
            notifications.show({ color: 'green', message: t('assets.moved', { name: moved.name }) });
          }}
        />
      )}
    </Stack>
  );
}

function AssetFacts({ asset }: { asset: AssetView }) {
  const { t } = useTranslation();
  const facts = [
    { label: t('assets.fields.manufacturer'), value: asset.manufacturer, equipment: true },
    { label: t('assets.fields.model'), value: asset.model, equipment: true },
    { label: t('assets.fields.serialNumber'), value: asset.serial_number, equipment: true },
    { label: t('assets.fields.location'), value: asset.location, equipment: false },
  ].filter((fact) => asset.kind === 'equipment' || !fact.equipment || fact.value);
  return (
    <SimpleGrid component="dl" cols={{ base: 1, xs: 2 }} spacing="sm" verticalSpacing="xs" m={0}>
      {facts.map((fact) => (
        <div key={fact.label}>
          <Text component="dt" size="xs" c="dimmed">
            {fact.label}
          </Text>
          <Text component="dd" m={0} c={fact.value ? undefined : 'dimmed'}>
            {fact.value ?? t('assets.notSet')}
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}
