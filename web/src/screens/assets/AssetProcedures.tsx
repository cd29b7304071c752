// The procedures linked to an asset or to anything under it.
import { Anchor, Center, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ProblemAlert } from '../../components/ProblemAlert';
import { StatusBadge } from '../../components/StatusBadge';
import { assetProceduresQuery } from './assetsApi';

export function AssetProcedures({ assetId }: { assetId: string }) {
  const { t } = useTranslation();
  const procedures = useQuery(assetProceduresQuery(assetId));

  return (
    <Stack gap="xs" component="section" aria-labelledby="asset-procedures">
      <Title order={3} id="asset-procedures">
        {t('assets.procedures')}
      </Title>
      <ProblemAlert error={procedures.error} />
      {procedures.isPending && (
        <Center py="md">
          <Loader size="sm" aria-label={t('common.loading')} />
        </Center>
      )}
      {procedures.data?.length === 0 && <Text c="dimmed">{t('assets.proceduresEmpty')}</Text>}
      {procedures.data && procedures.data.length > 0 && (
        <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {procedures.data.map((procedure) => (
            <Paper component="li" key={procedure.id} withBorder px="sm" py="xs">
              <Group justify="space-between" wrap="nowrap" gap="sm">
                <div style={{ minWidth: 0 }}>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {procedure.code}
                  </Text>
                  <Anchor component={Link} to={`/procedures/${procedure.id}`} fw={500}>
                    {procedure.title}
                  </Anchor>
                </div>
                {/* Never squeezed into an ellipsis by a long title. */}
                <div style={{ flex: 'none' }}>
                  <StatusBadge status={procedure.status} />
                </div>
              </Group>
            </Paper>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
