// Register a webhook; its signing secret is shown once, with a copy button.
import { Button, Checkbox, Group, Modal, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { validateRequired } from '../../auth/validation';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SecretField } from '../../components/SecretField';
import { EventLabel } from './EventLabel';
import { useCreateWebhook } from './webhooksApi';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** What an endpoint may ask for, as the server lists it. */
  eventTypes: string[];
}

export function CreateWebhookModal({ opened, onClose, eventTypes }: Props) {
  const { t } = useTranslation();
  const create = useCreateWebhook();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { url: '', description: '', event_types: [] as string[] },
    validate: {
      url: validateRequired(t),
      event_types: (v) => (v.length === 0 ? t('webhooks.form.eventsRequired') : null),
    },
  });

  // The secret must not survive the modal: cleared after the closing animation.
  const clear = () => {
    create.reset();
    form.reset();
  };

  const created = create.data;
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={clear}
      size="lg"
      title={created ? t('webhooks.created.title') : t('webhooks.form.title')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {created ? (
        <Stack>
          <Text>{t('webhooks.created.intro')}</Text>
          <SecretField label={t('webhooks.created.secret')} value={created.secret} />
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('common.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={form.onSubmit((values) => {
            create.mutate({ ...values, url: values.url.trim(), description: values.description.trim() });
          })}
          noValidate
        >
          <Stack>
            <ProblemAlert error={create.error} />
            <TextInput
              label={t('webhooks.form.url')}
              description={t('webhooks.form.urlHint')}
              type="url"
              placeholder="https://"
              autoComplete="off"
              required
              data-autofocus
              key={form.key('url')}
              {...form.getInputProps('url')}
            />
            <TextInput
              label={t('webhooks.form.description')}
              autoComplete="off"
              key={form.key('description')}
              {...form.getInputProps('description')}
            />
            <Checkbox.Group
              label={t('webhooks.form.events')}
              required
              key={form.key('event_types')}
              {...form.getInputProps('event_types')}
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" mt="xs">
                {eventTypes.map((e) => (
                  <Checkbox key={e} value={e} label={<EventLabel type={e} />} />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('webhooks.form.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
