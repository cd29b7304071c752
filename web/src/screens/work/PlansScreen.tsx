// Maintenance plans: every plan, or with `?asset=` those of one asset (the asset's page links
// here), where editors and admins make a plan, pause, resume and change one.
import { Anchor, Button, Center, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowLeft, IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { PlanView } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { PlanCard } from './PlanCard';
import { CreatePlanModal, EditPlanModal } from './PlanForms';
import { assetWorkQuery, plansQuery } from './workApi';

export function PlansScreen() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const assetId = params.get('asset');
  const user = useCurrentUser();
  const canEdit = user.role === 'admin' || user.role === 'editor';

  const plans = useQuery(plansQuery(assetId));
  const work = useQuery({ ...assetWorkQuery(assetId ?? ''), enabled: assetId !== null });
  const asset = work.data?.asset;
  const title = asset ? t('work.plans.assetTitle', { name: asset.name }) : t('work.plans.title');
  usePageTitle(title);

  const [creating, createModal] = useDisclosure(false);
  const [editing, setEditing] = useState<PlanView | null>(null);
  const [replacing, setReplacing] = useState<PlanView | null>(null);
  // The plan replaced may sit on another asset than the one listed (on the list of every plan).
  const replacingWork = useQuery({ ...assetWorkQuery(replacing?.asset_id ?? ''), enabled: replacing !== null });

  return (
    <Stack gap="lg" maw={820}>
      {assetId && (
        <Group gap="md">
          <Anchor component={Link} to={`/assets/${assetId}`} size="sm">
            <Group gap={4}>
              <IconArrowLeft size={16} aria-hidden />
              {asset ? `${asset.code} ${asset.name}` : t('common.back')}
            </Group>
          </Anchor>
          <Anchor component={Link} to="/plans" size="sm">
            {t('work.plans.all')}
          </Anchor>
        </Group>
      )}
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={1}>{title}</Title>
          <Text c="dimmed">{t('work.plans.intro')}</Text>
        </Stack>
        {canEdit && asset && (
          <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={createModal.open}>
            {t('work.plans.create')}
          </Button>
        )}
      </Group>
      <ProblemAlert error={plans.error ?? work.error} />
      {plans.isPending && (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {plans.data?.length === 0 && (
        <Paper withBorder p="lg">
          <Text>{assetId ? t('work.plans.emptyAsset') : t('work.plans.empty')}</Text>
        </Paper>
      )}
      {canEdit && !assetId && (
        <Text size="sm" c="dimmed">
          {t('work.plans.createHint')}
        </Text>
      )}
      {plans.data?.map((plan) => (
        <PlanCard key={plan.id} plan={plan} canEdit={canEdit} showAsset={!assetId} onEdit={setEditing} onReplace={setReplacing} />
      ))}
      {asset && work.data && <CreatePlanModal opened={creating} onClose={createModal.close} asset={asset} meters={work.data.meters} />}
      {replacing && replacingWork.data && (
        <CreatePlanModal
          opened
          onClose={() => {
            setReplacing(null);
          }}
          asset={replacingWork.data.asset}
          meters={replacingWork.data.meters}
          replacing={replacing}
        />
      )}
      <ProblemAlert error={replacingWork.error} />
      <EditPlanModal
        plan={editing}
        onClose={() => {
          setEditing(null);
        }}
      />
    </Stack>
  );
}
