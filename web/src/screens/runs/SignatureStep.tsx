// A signature step: draw, upload the drawing, record its file id; sign again to replace it.
import { Button, Stack } from '@mantine/core';
import { IconSignature } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadFiles } from '../../api/fileLinks';
import { FileThumb } from '../../components/FileThumb';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SignatureField, type SignatureHandle } from './SignatureField';

interface Props {
  fileId: string | null;
  label: string;
  onSigned: (fileId: string) => void;
}

export function SignatureStep({ fileId, label, onSigned }: Props) {
  const { t } = useTranslation();
  const pad = useRef<SignatureHandle>(null);
  const [signing, setSigning] = useState(fileId === null);
  const [empty, setEmpty] = useState(false);
  const upload = useMutation({
    mutationFn: async () => {
      if (!pad.current) throw new Error('no signature pad');
      const [stored] = await uploadFiles([await pad.current.toFile()]);
      if (!stored) throw new Error('the files service stored nothing');
      return stored.id;
    },
    onSuccess: (id) => {
      onSigned(id);
      setSigning(false);
    },
  });

  if (!signing && fileId) {
    return (
      <Stack gap="sm" align="flex-start">
        <FileThumb fileId={fileId} size={200} />
        <Button
          size="lg"
          variant="outline"
          leftSection={<IconSignature aria-hidden />}
          onClick={() => {
            setSigning(true);
          }}
        >
          {t('runs.signature.again')}
        </Button>
      </Stack>
    );
  }

  return (
    <Stack gap="sm">
      <SignatureField
        ref={pad}
        label={label}
        error={empty ? t('runs.signature.empty') : null}
        onDraw={() => {
          setEmpty(false);
        }}
      />
      <ProblemAlert error={upload.error} />
      <Button
        size="xl"
        leftSection={<IconSignature aria-hidden />}
        loading={upload.isPending}
        onClick={() => {
          if (pad.current?.isEmpty() ?? true) setEmpty(true);
          else upload.mutate();
        }}
      >
        {t('runs.signature.save')}
      </Button>
    </Stack>
  );
}
