// A cited page of a document. No endpoint gives a page's text, so the citation links to the
// document itself, at that page for PDFs (browsers' viewers honour `#page=`).
import { Anchor, Group, Text } from '@mantine/core';
import { IconExternalLink, IconFileText } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useFile } from '../../api/fileLinks';
import type { Citation } from '../../api/types';

export function CitationLink({ citation }: { citation: Citation }) {
  const { t } = useTranslation();
  const file = useFile(citation.file_id);
  const page = t('assistant.citation.page', { page: citation.page });
  if (!file.data) {
    return (
      <Group gap={6} wrap="nowrap">
        <IconFileText size={16} aria-hidden />
        <Text size="sm">{file.isError ? `${t('assistant.citation.unknownFile')} · ${page}` : page}</Text>
      </Group>
    );
  }
  const { name, content_url, media_type } = file.data;
  const href = media_type === 'application/pdf' ? `${content_url}#page=${citation.page}` : content_url;
  return (
    <Group gap={6} wrap="nowrap" data-citation>
      <IconFileText size={16} aria-hidden />
      <Anchor
        href={href}
        target="_blank"
        rel="noopener"
        size="sm"
        title={t('assistant.citation.open', { name, page: citation.page })}
        style={{ wordBreak: 'break-word' }}
      >
        {name} · {page}
        <IconExternalLink size={12} aria-hidden style={{ marginInlineStart: 4, verticalAlign: 'middle' }} />
      </Anchor>
    </Group>
  );
}
