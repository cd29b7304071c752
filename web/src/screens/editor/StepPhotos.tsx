// Photos of one step: dropped or picked straight onto the step, uploaded with a progress bar,
// then shown as thumbnails that can be removed.
import '@mantine/dropzone/styles.css';
import { ActionIcon, Alert, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { Dropzone, IMAGE_MIME_TYPE, type FileRejection } from '@mantine/dropzone';
import { IconPhotoPlus, IconX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadFiles } from '../../api/fileLinks';
import { FileThumb } from '../../components/FileThumb';
import { ProblemAlert } from '../../components/ProblemAlert';
import { uploadLimitsQuery } from './editorApi';

interface Props {
  stepNumber: number;
  attachments: string[];
  onAdd: (fileIds: string[]) => void;
  onRemove: (fileId: string) => void;
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toLocaleString(undefined, { maximumFractionDigits: 1 });
}

export function StepPhotos({ stepNumber, attachments, onAdd, onRemove }: Props) {
  const { t } = useTranslation();
  const limits = useQuery(uploadLimitsQuery);
  const openRef = useRef<() => void>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rejected, setRejected] = useState<string[]>([]);

  // The server decides from the bytes; the picker only narrows to images it keeps.
  const accept = limits.data?.allowed_media_types.filter((type) => type.startsWith('image/')) ?? IMAGE_MIME_TYPE;
  const maxSize = limits.data?.max_upload_bytes;

  const upload = async (files: File[]) => {
    setError(null);
    setRejected([]);
    setProgress(0);
    try {
      const stored = await uploadFiles(files, setProgress);
      onAdd(stored.map((file) => file.id));
    } catch (failure) {
      setError(failure);
    } finally {
      setProgress(null);
    }
  };

  const reject = (rejections: FileRejection[]) => {
    setError(null);
    setRejected(
      rejections.map(({ file, errors }) =>
        errors.some((e) => e.code === 'file-too-large')
          ? t('editor.photos.tooLarge', { name: file.name, size: megabytes(maxSize ?? 0) })
          : t('editor.photos.notAnImage', { name: file.name }),
      ),
    );
  };

  const label = t('editor.photos.add', { number: stepNumber });
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        {t('editor.photos.title')}
      </Text>
      {attachments.length > 0 && (
        <Group gap="sm">
          {attachments.map((fileId, i) => (
            <Group key={fileId} gap={4} align="flex-start" wrap="nowrap">
              <FileThumb fileId={fileId} size={96} />
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t('editor.photos.remove', { index: i + 1, number: stepNumber })}
                onClick={() => {
                  onRemove(fileId);
                }}
              >
                <IconX size={16} aria-hidden />
              </ActionIcon>
            </Group>
          ))}
        </Group>
      )}
      <Dropzone
        openRef={openRef}
        onDrop={(files) => {
          void upload(files);
        }}
        onReject={reject}
        accept={accept}
        maxSize={maxSize}
        loading={progress !== null}
        // A real button opens the picker, so the drop area is not a second, unnamed control.
        activateOnClick={false}
        activateOnKeyboard={false}
        inputProps={{ 'aria-label': label }}
        p="sm"
      >
        <Group justify="center" gap="sm" wrap="wrap">
          <IconPhotoPlus size={24} aria-hidden style={{ color: 'var(--mantine-color-dimmed)' }} />
          <Text size="sm" c="dimmed">
            {t('editor.photos.drop')}
          </Text>
          <Button
            size="xs"
            variant="light"
            onClick={() => {
              openRef.current?.();
            }}
          >
            {t('editor.photos.pick')}
          </Button>
        </Group>
        {limits.data && (
          <Text size="xs" c="dimmed" ta="center" mt={4}>
            {t('editor.photos.limit', { size: megabytes(limits.data.max_upload_bytes) })}
          </Text>
        )}
      </Dropzone>
      {progress !== null && (
        <Progress value={progress * 100} aria-label={t('editor.photos.uploading')} animated striped />
      )}
      {rejected.map((message) => (
        <Alert key={message} role="alert" color="red" variant="light">
          {message}
        </Alert>
      ))}
      <ProblemAlert error={error} />
    </Stack>
  );
}
