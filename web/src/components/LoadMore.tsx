// "Show more" under a cursor-paged list: there only while the server says more pages exist.
import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

interface Paged {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

export function LoadMore({ pages }: { pages: Paged }) {
  const { t } = useTranslation();
  if (!pages.hasNextPage) return null;
  return (
    <Group justify="center">
      <Button variant="default" loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
        {t('common.loadMore')}
      </Button>
    </Group>
  );
}
