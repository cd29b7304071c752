// Home: search and filter the procedures, open one, and (editors) start or import one.
import { Button, Center, Group, Loader, Paper, SimpleGrid, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCurrentUser } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { proceduresQuery } from './libraryApi';
import { LibraryFiltersBar } from './LibraryFiltersBar';
import { ProcedureCard } from './ProcedureCard';
import { useImport } from './useImport';
import { useLibraryFilters } from './useLibraryFilters';
import { LoadMore } from '../../components/LoadMore';

export function LibraryScreen() {
  const { t } = useTranslation();
  usePageTitle(t('library.title'));
  const user = useCurrentUser();
  const canEdit = user.role === 'admin' || user.role === 'editor';
  const { filters, update, clear, active } = useLibraryFilters();
  // Readers only ever get published procedures: a status they cannot choose is not sent.
  const query = canEdit ? filters : { ...filters, status: null };
  const procedures = useInfiniteQuery(proceduresQuery(query));
  const importer = useImport();

  const items = procedures.data?.pages.flatMap((page) => page.items) ?? [];
  const knownTags = [...new Set(items.flatMap((procedure) => procedure.tags))].sort((a, b) => a.localeCompare(b));
  const searching = procedures.isFetching && !procedures.isFetchingNextPage;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('library.title')}</Title>
          <Text c="dimmed">{t('library.intro')}</Text>
        </div>
        {canEdit && (
          <Group gap="sm">
            {importer.button}
            <Button component={Link} to="/procedures/new" leftSection={<IconPlus size={18} aria-hidden />}>
              {t('library.newProcedure')}
            </Button>
          </Group>
        )}
      </Group>
      {importer.problem}

      <search>
        <LibraryFiltersBar
          filters={filters}
          onChange={update}
          knownTags={knownTags}
          showStatus={canEdit}
          searching={searching && !procedures.isPending}
        />
      </search>

      <ProblemAlert error={procedures.error} />
      {procedures.isPending ? (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      ) : (
        procedures.isSuccess && (
          <>
            {/* Announces how the list changed as the user types. */}
            <VisuallyHidden role="status">
              {procedures.hasNextPage
                ? t('library.resultCountMore', { count: items.length })
                : t('library.resultCount', { count: items.length })}
            </VisuallyHidden>
            {items.length === 0 ? (
              <EmptyLibrary filtered={active} canEdit={canEdit} onClear={clear} />
            ) : (
              <SimpleGrid cols={{ base: 1, sm: 2, xl: 3 }} spacing="md">
                {items.map((procedure) => (
                  <ProcedureCard
                    key={procedure.id}
                    procedure={procedure}
                    onTag={(tag) => {
                      update({ tag });
                    }}
                  />
                ))}
              </SimpleGrid>
            )}
            <LoadMore pages={procedures} />
          </>
        )
      )}
    </Stack>
  );
}

function EmptyLibrary({ filtered, canEdit, onClear }: { filtered: boolean; canEdit: boolean; onClear: () => void }) {
  const { t } = useTranslation();
  if (filtered) {
    return (
      <Paper withBorder p="lg">
        <Stack gap="xs" align="flex-start">
          <Text fw={500}>{t('library.noMatch')}</Text>
          <Text c="dimmed">{t('library.noMatchHint')}</Text>
          <Button variant="default" onClick={onClear}>
            {t('library.clearFilters')}
          </Button>
        </Stack>
      </Paper>
    );
  }
  return (
    <Paper withBorder p="lg">
      <Text fw={500}>{t('library.empty')}</Text>
      <Text c="dimmed">{canEdit ? t('library.emptyEditor') : t('library.emptyReader')}</Text>
    </Paper>
  );
}
