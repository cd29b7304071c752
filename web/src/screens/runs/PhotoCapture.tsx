// Photos taken with the device's back camera, uploaded at once with a progress bar.
import { ActionIcon, Button, FileButton, Group, Progress, Stack } from '@mantine/core';
import { IconCamera, IconTrash } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { uploadFiles } from '../../api/fileLinks';
import { FileThumb } from '../../components/FileThumb';
import { ProblemAlert } from '../../components/ProblemAlert';

interface Props {
  photoIds: string[];
  onChange: (photoIds: string[]) => void;
}

export function PhotoCapture({ photoIds, onChange }: Props) {
  const { t } = useTranslation();
  const [progress, setProgress] = useState(0);
  const upload = useMutation({
    mutationFn: (files: File[]) => uploadFiles(files, setProgress),
    onSuccess: (stored) => {
      onChange([...photoIds, ...stored.map((file) => file.id)]);
    },
  });

  return (
    <Stack gap="sm">
      {photoIds.length > 0 && (
        <Group gap="sm">
          {photoIds.map((id, index) => (
            <Stack key={id} gap={4} align="center">
              <FileThumb fileId={id} size={120} />
              {/* A photo step keeps at least one photo: take another before removing the last. */}
              {photoIds.length > 1 && (
                <ActionIcon
                  variant="light"
                  color="red"
                  size="xl"
                  aria-label={t('runs.photo.remove', { number: index + 1 })}
                  onClick={() => {
                    onChange(photoIds.filter((other) => other !== id));
                  }}
                >
                  <IconTrash aria-hidden />
                </ActionIcon>
              )}
            </Stack>
          ))}
        </Group>
      )}
      <FileButton
        accept="image/*"
        capture="environment"
        multiple
        onChange={(files) => {
          if (files.length > 0) {
            setProgress(0);
            upload.mutate(files);
          }
        }}
      >
        {(props) => (
          <Button {...props} size="xl" variant="outline" leftSection={<IconCamera aria-hidden />} loading={upload.isPending}>
            {photoIds.length > 0 ? t('runs.photo.another') : t('runs.photo.take')}
          </Button>
        )}
      </FileButton>
      {upload.isPending && (
        <Progress value={progress * 100} aria-label={t('runs.photo.uploading')} size="lg" />
      )}
      <ProblemAlert error={upload.error} />
    </Stack>
  );
}
