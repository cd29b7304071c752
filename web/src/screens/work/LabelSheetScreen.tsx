// A sheet of labels for an asset and everything under it, laid out for A4 outside the app
// frame: a QR code holding the asset's page, its code and its name.
import { Anchor, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconPrinter } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { labelsQuery } from './workApi';

const PAGE_STYLE = '@page { size: A4; margin: 10mm; } @media print { .gamme-no-print { display: none !important; } }';

function QrImage({ url, label }: { url: string; label: string }) {
  const image = useQuery({
    queryKey: ['qr', url],
    queryFn: () => QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 2, width: 240 }),
    staleTime: Infinity,
  });
  if (!image.data) return <div style={{ width: 120, height: 120 }} />;
  return <img src={image.data} alt={label} width={120} height={120} style={{ imageRendering: 'pixelated' }} />;
}

export function LabelSheetScreen() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const sheet = useQuery(labelsQuery(id));
  const root = sheet.data?.labels[0];
  usePageTitle(root ? t('work.labels.title', { name: root.name }) : t('work.labels.print'));
  return (
    <Stack gap="md" p="md">
      <style>{PAGE_STYLE}</style>
      <Group className="gamme-no-print" gap="sm">
        <Anchor component={Link} to={`/assets/${id}`} size="sm">
          <Group gap={4}>
            <IconArrowLeft size={16} aria-hidden />
            {t('common.back')}
          </Group>
        </Anchor>
        <Button size="sm" leftSection={<IconPrinter size={16} aria-hidden />} onClick={() => { window.print(); }}>
          {t('common.print')}
        </Button>
      </Group>
      {root && <Title order={1} size="h3">{t('work.labels.title', { name: root.name })}</Title>}
      <ProblemAlert error={sheet.error} />
      {sheet.isPending && (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(62mm, 1fr))', gap: '4mm' }}>
        {sheet.data?.labels.map((label) => (
          <div
            key={label.asset_id}
            data-testid="label"
            style={{ border: '1px dashed #999', padding: '3mm', display: 'flex', gap: '3mm', alignItems: 'center', breakInside: 'avoid' }}
          >
            <QrImage url={label.url} label={t('work.labels.qr', { code: label.code })} />
            <Stack gap={2}>
              <Text ff="monospace" fw={700} size="lg">
                {label.code}
              </Text>
              <Text size="sm">{label.name}</Text>
              <Text size="xs" c="dimmed">
                {t(`domain.assetKind.${label.kind}`)}
              </Text>
            </Stack>
          </div>
        ))}
      </div>
    </Stack>
  );
}
