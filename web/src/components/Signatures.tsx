// The manifestation of electronic signatures: for each, its meaning, the signer's printed name
// and the time, and the SHA-256 of what was signed. Shown on screen and printed.
import { List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Signature } from '../api/types';

export function Signatures({ signatures }: { signatures: Signature[] }) {
  const { t, i18n } = useTranslation();
  if (signatures.length === 0) return null;
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long', timeStyle: 'medium' });
  return (
    <List spacing={4} listStyleType="none" data-testid="signatures">
      {signatures.map((signature) => (
        <List.Item key={`${signature.meaning}-${signature.signer_id}`}>
          <Text fw={600}>
            {t('signing.manifestation', {
              meaning: t(`signing.meaning.${signature.meaning}`),
              name: signature.signer_name,
              time: date.format(new Date(signature.signed_at)),
            })}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
            {t('signing.hash', { hash: signature.content_hash })}
          </Text>
        </List.Item>
      ))}
    </List>
  );
}
