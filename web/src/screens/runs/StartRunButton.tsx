// Starts a run of a procedure's published revision and opens run mode. When the procedure is
// linked to equipment, the technician first says which one the run is on.
import { Button, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { AssetRef } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { procedureQuery, useStartRun } from './runsApi';

export interface StartRunButtonProps {
  procedureId: string;
  assetId?: string | null;
}

export function StartRunButton({ procedureId, assetId }: StartRunButtonProps) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const start = useStartRun();
  const [choices, setChoices] = useState<AssetRef[] | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [looking, setLooking] = useState(false);
  const [lookupError, setLookupError] = useState<unknown>(null);

  // Viewers read procedures; they do not run them.
  if (user.role === 'viewer') return null;

  const run = (asset: string | null) => {
    start.mutate(
      { procedure_id: procedureId, asset_id: asset },
      { onSuccess: (created) => void navigate(`/runs/${created.id}`) },
    );
  };

  const begin = async () => {
    if (assetId) {
      run(assetId);
      return;
    }
    setLooking(true);
    setLookupError(null);
    try {
      const procedure = await queryClient.query(procedureQuery(procedureId));
      if (procedure.assets.length === 0) {
        run(null);
      } else {
        setPicked(procedure.assets.length === 1 ? (procedure.assets[0]?.id ?? null) : null);
        setChoices(procedure.assets);
      }
    } catch (error) {
      setLookupError(error);
    } finally {
      setLooking(false);
    }
  };

  const picking = choices !== null;
  return (
    <>
      <Stack gap="xs">
        <Button
          size="lg"
          leftSection={<IconPlayerPlay aria-hidden />}
          loading={looking || (start.isPending && !picking)}
          onClick={() => void begin()}
        >
          {t('runs.start.button')}
        </Button>
        {!picking && <ProblemAlert error={lookupError ?? start.error} />}
      </Stack>
      <Modal
        opened={picking}
        onClose={() => {
          setChoices(null);
          start.reset();
        }}
        title={t('runs.start.pickTitle')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <Stack>
          <Radio.Group
            label={t('runs.start.pickLabel')}
            value={picked}
            onChange={setPicked}
          >
            <Stack gap="sm" mt="xs">
              {choices?.map((asset) => (
                <Radio.Card key={asset.id} value={asset.id} p="md" radius="md">
                  <Group wrap="nowrap">
                    <Radio.Indicator />
                    <div>
                      <Text fw={600}>{asset.name}</Text>
                      <Text size="sm" c="dimmed">
                        {asset.code}
                      </Text>
                    </div>
                  </Group>
                </Radio.Card>
              ))}
            </Stack>
          </Radio.Group>
          <ProblemAlert error={start.error} />
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                setChoices(null);
              }}
            >
              {t('common.cancel')}
            </Button>
            <Button
              disabled={picked === null}
              loading={start.isPending}
              onClick={() => {
                run(picked);
              }}
            >
              {t('runs.start.submit')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
