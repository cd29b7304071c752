// My work, phone first: what is overdue, due today, in the next seven days, and without a date.
import { Center, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { MyWork } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { OrderCard } from './OrderCard';
import { myWorkQuery } from './workApi';

const SECTIONS = ['overdue', 'today', 'next_7_days', 'no_due_date'] as const satisfies readonly (keyof MyWork)[];

export function MyWorkScreen() {
  const { t } = useTranslation();
  usePageTitle(t('work.title'));
  const work = useQuery(myWorkQuery());
  const data = work.data;
  const empty = data && SECTIONS.every((section) => data[section].length === 0);
  return (
    <Stack gap="lg" maw={720}>
      <Stack gap={4}>
        <Title order={1}>{t('work.title')}</Title>
        <Text c="dimmed">{t('work.intro')}</Text>
      </Stack>
      <ProblemAlert error={work.error} />
      {work.isPending && (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {empty && <Text>{t('work.empty')}</Text>}
      {data &&
        SECTIONS.filter((section) => data[section].length > 0).map((section) => (
          <Stack key={section} gap="xs" component="section" aria-labelledby={`work-${section}`}>
            <Title order={2} size="h4" id={`work-${section}`} c={section === 'overdue' ? 'red.8' : undefined}>
              {t(`work.sections.${section}`)} ({data[section].length})
            </Title>
            {data[section].map((order) => (
              <OrderCard key={order.id} order={order} />
            ))}
          </Stack>
        ))}
    </Stack>
  );
}
