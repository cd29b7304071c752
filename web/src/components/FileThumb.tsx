// A photo or attachment by file id: its thumbnail (signed link), enlarged on click; other
// files are a download link with their name.
import { Anchor, Image, Loader, Modal, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPaperclip } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { isImage, useFile } from '../api/fileLinks';

export function FileThumb({ fileId, size = 120 }: { fileId: string; size?: number }) {
  const { t } = useTranslation();
  const { data: file, isPending } = useFile(fileId);
  const [opened, { open, close }] = useDisclosure(false);
  if (isPending) return <Loader size="sm" aria-label={t('common.loading')} />;
  if (!file) return null;
  if (!isImage(file)) {
    return (
      <Anchor href={file.content_url} target="_blank" rel="noopener noreferrer">
        <IconPaperclip size={16} aria-hidden /> {file.name}
      </Anchor>
    );
  }
  const thumbnail = file.thumbnail.url ?? file.content_url;
  return (
    <>
      <UnstyledButton onClick={open} aria-label={t('common.enlarge', { name: file.name })}>
        <Image src={thumbnail} alt={file.name} w={size} h={size} fit="cover" radius="sm" />
      </UnstyledButton>
      <Modal opened={opened} onClose={close} title={file.name} size="xl" closeButtonProps={{ 'aria-label': t('common.close') }}>
        <Image src={file.content_url} alt={file.name} fit="contain" />
      </Modal>
    </>
  );
}
