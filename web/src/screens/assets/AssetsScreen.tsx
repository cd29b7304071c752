// The asset tree (sites, areas, equipment) beside the chosen asset's details, procedures
// and runs. `/assets/:id` selects an asset and opens the tree down to it.
import { Button, Center, Grid, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import type { AssetView } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { AssetDetails } from './AssetDetails';
import { AssetFormModal } from './AssetFormModal';
import { AssetTree } from './AssetTree';
import treeClasses from './AssetTree.module.css';
import { assetQuery, childrenQuery } from './assetsApi';

export function AssetsScreen() {
  const { t } = useTranslation();
  usePageTitle(t('assets.title'));
  const navigate = useNavigate();
  const { id = null } = useParams();
  const user = useCurrentUser();
  const canEdit = user.role === 'admin' || user.role === 'editor';

  const sites = useQuery(childrenQuery(null));
  const selected = useQuery({ ...assetQuery(id ?? ''), enabled: id !== null });
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  // `null` parent: a new site; `undefined`: the modal is closed.
  const [creatingUnder, setCreatingUnder] = useState<AssetView | null | undefined>(undefined);

  // Open the tree down to the selected asset, once per place it is shown at (a deep
  // link, a move), without closing what the user opened.
  const [revealed, setRevealed] = useState<string | null>(null);
  const place = selected.data ? `${selected.data.id}@${selected.data.parent_id ?? ''}` : null;
  if (selected.data && place !== revealed) {
    setRevealed(place);
    const ancestors = selected.data.ancestors.map((ancestor) => ancestor.id);
    if (ancestors.some((ancestorId) => !expanded.has(ancestorId))) setExpanded(new Set([...expanded, ...ancestors]));
  }

  const toggle = (assetId: string, open: boolean) => {
    setExpanded((previous) => {
      const next = new Set(previous);
      if (open) next.add(assetId);
      else next.delete(assetId);
      return next;
    });
  };

  const empty = sites.data?.length === 0;
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('assets.title')}</Title>
          <Text c="dimmed">{t('assets.intro')}</Text>
        </div>
        {canEdit && (
          <Button
            leftSection={<IconPlus size={18} aria-hidden />}
            onClick={() => {
              setCreatingUnder(null);
            }}
          >
            {t('assets.create')}
          </Button>
        )}
      </Group>

      <ProblemAlert error={sites.error} />
      {sites.isPending && (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {empty && (
        <Paper withBorder p="lg">
          <Text fw={500}>{t('assets.empty')}</Text>
          <Text c="dimmed">{canEdit ? t('assets.emptyEditor') : t('assets.emptyReader')}</Text>
        </Paper>
      )}
      {sites.data && !empty && (
        <Grid gutter="lg">
          {/* On a phone the chosen asset comes first; the tree follows. */}
          <Grid.Col span={{ base: 12, md: 5, lg: 4 }} order={{ base: id ? 2 : 1, md: 1 }}>
            <Paper withBorder p="xs" className={treeClasses.panel}>
              <AssetTree
                label={t('assets.treeLabel')}
                selectedId={id}
                expanded={expanded}
                onToggle={toggle}
                onSelect={(assetId) => void navigate(`/assets/${assetId}`)}
              />
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 7, lg: 8 }} order={{ base: id ? 1 : 2, md: 2 }}>
            {id ? (
              <AssetDetails id={id} canEdit={canEdit} onAddChild={setCreatingUnder} />
            ) : (
              <Text c="dimmed">{t('assets.pickOne')}</Text>
            )}
          </Grid.Col>
        </Grid>
      )}

      {canEdit && (
        <AssetFormModal
          opened={creatingUnder !== undefined}
          onClose={() => {
            setCreatingUnder(undefined);
          }}
          parent={creatingUnder}
          onSaved={(asset) => {
            setCreatingUnder(undefined);
            notifications.show({ color: 'green', message: t('assets.created', { name: asset.name }) });
            void navigate(`/assets/${asset.id}`);
          }}
        />
      )}
    </Stack>
  );
}
