// Where a number step's limit comes from, beside the limit: the document page and the exact
// passage it was read in, or a mark for the reviewer when no passage vouches for it (typed by
// a person, or changed after it was read).
import { Blockquote, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { LimitSource } from '../../api/types';
import { CitationLink } from './CitationLink';

export type LimitProvenance = { state: 'read'; source: LimitSource } | { state: 'changed' } | { state: 'none' };

interface Limit {
  unit: string | null;
  min: number | null;
  max: number | null;
}

/** A unit as compared: blank is no unit. */
const unitOf = (l: Limit) => {
  const unit = l.unit?.trim() ?? '';
  return unit === '' ? null : unit;
};

const sameLimit = (a: Limit, b: Limit) => unitOf(a) === unitOf(b) && a.min === b.min && a.max === b.max;

const hasLimit = (l: Limit) => l.min !== null || l.max !== null || unitOf(l) !== null;

/**
 * What a step's limit rests on: its source while the limit is still the one that was read
 * (`read`), `changed` once a person altered it, `none` when nothing vouched for it; `null` for
 * a step without a limit.
 */
export function provenance(limit: Limit, source: LimitSource | null, asRead: Limit | null): LimitProvenance | null {
  if (!hasLimit(limit)) return null;
  if (source && (asRead === null || sameLimit(limit, asRead))) return { state: 'read', source };
  return source ? { state: 'changed' } : { state: 'none' };
}

export function LimitSourceNote({ provenance: p }: { provenance: LimitProvenance }) {
  const { t } = useTranslation();
  if (p.state === 'read') {
    return (
      <Stack gap={4} data-limit-source>
        <Text size="xs" c="dimmed">
          {t('assistant.limitSource.readOn')}
        </Text>
        <CitationLink citation={{ file_id: p.source.file_id, page: p.source.page }} />
        <Blockquote p="xs" fz="sm" color="gray">
          {p.source.passage}
        </Blockquote>
      </Stack>
    );
  }
  return (
    <Text size="sm" c="orange.8" data-limit-unsourced>
      <IconAlertTriangle size={14} aria-hidden style={{ marginInlineEnd: 4, verticalAlign: 'middle' }} />
      {t(p.state === 'changed' ? 'assistant.limitSource.changed' : 'assistant.limitSource.none')}
    </Text>
  );
}
