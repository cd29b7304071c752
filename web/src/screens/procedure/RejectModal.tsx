// Sending a revision back to its author: the comment is what they must change, so it is required.
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { validateRequired } from '../../auth/validation';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useRejectRevision } from './procedureApi';

const COMMENT_MAX = 5000;

interface Props {
  procedureId: string;
  revisionNumber: number;
  opened: boolean;
  onClose: () => void;
  onRejected: () => void;
}

export function RejectModal({ procedureId, revisionNumber, opened, onClose, onRejected }: Props) {
  const { t } = useTranslation();
  const reject = useRejectRevision(procedureId);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { comment: '' },
    validate: { comment: validateRequired(t) },
  });

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={() => {
        form.reset();
        reject.reset();
      }}
      title={t('procedure.review.rejectTitle', { number: revisionNumber })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        noValidate
        onSubmit={form.onSubmit(({ comment }) => {
          reject.mutate({ n: revisionNumber, comment: comment.trim() }, { onSuccess: onRejected });
        })}
      >
        <Stack>
          <Text size="sm">{t('procedure.review.rejectIntro')}</Text>
          <ProblemAlert error={reject.error} />
          <Textarea
            label={t('procedure.review.comment')}
            required
            autosize
            minRows={4}
            maxLength={COMMENT_MAX}
            data-autofocus
            key={form.key('comment')}
            {...form.getInputProps('comment')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" loading={reject.isPending}>
              {t('procedure.review.rejectSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
