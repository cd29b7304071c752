// Documents for the assistant to read: pick among those already uploaded, or upload a manual
// (with progress) which is then selected.
import '@mantine/dropzone/styles.css';
import { Alert, Group, MultiSelect, Progress, Stack, Text } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFileText, IconUpload, IconX } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadFiles } from '../../api/fileLinks';
import type { FileView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { documentsQuery } from './assistantApi';

// Browsers often give Markdown no media type; the extensions let the picker offer them anyway.
const ACCEPT = {
  'application/pdf': ['.pdf'],
  'text/plain': ['.txt'],
  'text/markdown': ['.md', '.markdown'],
};

interface Props {
  value: FileView[];
  onChange: (files: FileView[]) => void;
  error?: string | undefined;
}

export function DocumentPicker({ value, onChange, error }: Props) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const documents = useQuery(documentsQuery(debounced));
  const [uploading, setUploading] = useState<{ names: string; fraction: number } | null>(null);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [rejected, setRejected] = useState(false);
  const [uploaded, setUploaded] = useState(0);

  // Selected files stay listed whatever the search, or their pills would lose their names.
  const known = new Map<string, FileView>();
  for (const file of [...value, ...(documents.data ?? [])]) known.set(file.id, file);
  const data = [...known.values()].map((file) => ({ value: file.id, label: file.name }));

  const upload = async (files: File[]) => {
    setRejected(false);
    setUploadError(null);
    setUploaded(0);
    setUploading({ names: files.map((file) => file.name).join(', '), fraction: 0 });
    try {
      const stored = await uploadFiles(files, (fraction) => {
        setUploading((current) => current && { ...current, fraction });
      });
      onChange([...value, ...stored.filter((file) => !value.some((v) => v.id === file.id))]);
      setUploaded(stored.length);
      await queryClient.invalidateQueries({ queryKey: ['assistant', 'documents'] });
    } catch (failure) {
      setUploadError(failure);
    } finally {
      setUploading(null);
    }
  };

  const unreadable = value.filter((file) => ['no_text_layer', 'failed'].includes(file.text.status));

  return (
    <Stack gap="xs">
      <MultiSelect
        label={t('assistant.documents.label')}
        description={t('assistant.documents.description')}
        placeholder={value.length === 0 ? t('assistant.documents.placeholder') : undefined}
        nothingFoundMessage={t('assistant.documents.nothingFound')}
        data={data}
        value={value.map((file) => file.id)}
        onChange={(ids) => {
          onChange(ids.flatMap((id) => known.get(id) ?? []));
        }}
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        clearable
        hidePickedOptions
        error={error}
        comboboxProps={{ withinPortal: true }}
      />
      <Dropzone
        onDrop={(files) => void upload(files)}
        onReject={() => {
          setRejected(true);
        }}
        accept={ACCEPT}
        loading={uploading !== null}
        multiple
        // react-dropzone's root is a plain div: make it the button it acts as, and keep its
        // hidden file input (opened by the root) out of the accessibility tree.
        role="button"
        aria-label={t('assistant.documents.drop')}
        activateOnKeyboard
        // The plain file input behaves the same in every browser (Firefox and Safari lack the
        // File System Access picker), including phones' own document pickers.
        useFsAccessApi={false}
        inputProps={{ 'aria-hidden': true }}
        p="md"
      >
        <Group justify="center" gap="md" wrap="nowrap" mih={64} style={{ pointerEvents: 'none' }}>
          <Dropzone.Accept>
            <IconUpload size={32} aria-hidden />
          </Dropzone.Accept>
          <Dropzone.Reject>
            <IconX size={32} aria-hidden />
          </Dropzone.Reject>
          <Dropzone.Idle>
            <IconFileText size={32} aria-hidden />
          </Dropzone.Idle>
          <div>
            <Text fw={500}>{t('assistant.documents.drop')}</Text>
            <Text size="sm" c="dimmed">
              {t('assistant.documents.dropHint')}
            </Text>
          </div>
        </Group>
      </Dropzone>
      {uploading && (
        <Stack gap={4}>
          <Text size="sm">{t('assistant.documents.uploading', { names: uploading.names })}</Text>
          <Progress value={uploading.fraction * 100} aria-label={t('assistant.documents.uploadProgress')} />
        </Stack>
      )}
      {uploaded > 0 && (
        <Text size="sm" c="green.8" role="status">
          {t('assistant.documents.uploaded', { count: uploaded })}
        </Text>
      )}
      {rejected && (
        <Alert color="red" variant="light" role="alert">
          {t('assistant.documents.rejected')}
        </Alert>
      )}
      <ProblemAlert error={uploadError} />
      {unreadable.map((file) => (
        <Alert key={file.id} color="yellow" variant="light">
          {t('assistant.documents.noText', { name: file.name })}
        </Alert>
      ))}
    </Stack>
  );
}
