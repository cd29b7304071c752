// Which provider answers: people must know whether a language model or the offline rules
// wrote what they are about to check.
import { Badge, Group, Text } from '@mantine/core';
import { IconCpu, IconPlugConnectedX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { providerQuery } from './assistantApi';

/** `offline`, or the model (falling back to the provider's name). */
export function useProviderLabel() {
  const { t } = useTranslation();
  return (provider: string | null | undefined, model: string | null | undefined) =>
    provider === 'offline'
      ? t('assistant.provider.offline')
      : t('assistant.provider.model', { model: model ?? provider ?? '' });
}

export function ProviderBadge({ provider, model }: { provider: string; model: string | null | undefined }) {
  const label = useProviderLabel();
  const offline = provider === 'offline';
  return (
    <Badge
      variant="light"
      color={offline ? 'gray' : 'violet'}
      leftSection={offline ? <IconPlugConnectedX size={14} aria-hidden /> : <IconCpu size={14} aria-hidden />}
      h="auto"
      // Model names can be long: let them wrap on a phone rather than be cut.
      styles={{ label: { textTransform: 'none', whiteSpace: 'normal' } }}
    >
      {label(provider, model)}
    </Badge>
  );
}

export function ProviderNote() {
  const { t } = useTranslation();
  const provider = useQuery(providerQuery);
  if (!provider.data) return null;
  return (
    <Group gap="xs" wrap="wrap">
      <Text size="sm">{t('assistant.provider.label')}</Text>
      <ProviderBadge provider={provider.data.provider} model={provider.data.model} />
      {provider.data.provider === 'offline' && (
        <Text size="sm" c="dimmed">
          {t('assistant.provider.offlineHint')}
        </Text>
      )}
    </Group>
  );
}
