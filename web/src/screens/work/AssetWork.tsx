// The work due on an asset, on its page (where a label's QR code leads): its open orders, each
// opening the order with its start button, its maintenance plans, and the sheet of labels to print.
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconQrcode, IconRepeat } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ProblemAlert } from '../../components/ProblemAlert';
import { OrderCard } from './OrderCard';
import { assetWorkQuery } from './workApi';

export function AssetWork({ assetId }: { assetId: string }) {
  const { t } = useTranslation();
  const work = useQuery(assetWorkQuery(assetId));
  return (
    <Stack gap="xs" component="section" aria-labelledby="asset-work">
      <Group justify="space-between">
        <Title order={3} id="asset-work">
          {t('work.asset.title')}
        </Title>
        <Group gap="xs">
          <Button variant="default" size="sm" component={Link} to={`/plans?asset=${assetId}`} leftSection={<IconRepeat size={16} aria-hidden />}>
            {work.data ? t('work.asset.plans', { count: work.data.plans.length }) : t('nav.plans')}
          </Button>
          <Button variant="default" size="sm" component={Link} to={`/assets/${assetId}/labels`} leftSection={<IconQrcode size={16} aria-hidden />}>
            {t('work.labels.print')}
          </Button>
        </Group>
      </Group>
      <ProblemAlert error={work.error} />
      {work.data?.orders.length === 0 && <Text size="sm">{t('work.asset.none')}</Text>}
      {work.data?.orders.map((order) => (
        <OrderCard key={order.id} order={order} />
      ))}
    </Stack>
  );
}
