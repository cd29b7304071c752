// Preventive compliance, per site and month: the share done on time first (what a phone shows
// without scrolling the table), then the preventive orders due, done on time, late, and not done
// yet. The site and the span live in the address, like the board's.
import { Center, Loader, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SiteCompliance } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useSiteOptions } from './pickers';
import { complianceQuery } from './workApi';

const SPANS = [3, 6, 12, 24] as const;

function SiteTable({ report }: { report: SiteCompliance }) {
  const { t, i18n } = useTranslation();
  const monthFormat = new Intl.DateTimeFormat(i18n.language, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 0 });
  const id = `compliance-${report.site.id}`;
  return (
    <Paper withBorder p="sm" component="section" aria-labelledby={id}>
      <Stack gap="xs">
        <Title order={3} size="h5" id={id}>
          <Text span ff="monospace" inherit>
            {report.site.code}
          </Text>{' '}
          {report.site.name}
        </Title>
        <Text size="xs" c="dimmed">
          {t('work.compliance.zone', { zone: report.time_zone })}
        </Text>
        <Table.ScrollContainer minWidth={480}>
          <Table striped aria-labelledby={id}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('work.compliance.month')}</Table.Th>
                <Table.Th scope="col" ta="right">{t('work.compliance.rate')}</Table.Th>
                <Table.Th scope="col" ta="right">{t('work.compliance.due')}</Table.Th>
                <Table.Th scope="col" ta="right">{t('work.compliance.onTime')}</Table.Th>
                <Table.Th scope="col" ta="right">{t('work.compliance.late')}</Table.Th>
                <Table.Th scope="col" ta="right">{t('work.compliance.pending')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.months.map((month) => (
                <Table.Tr key={month.month} data-month={month.month}>
                  <Table.Th scope="row" fw={500}>
                    {monthFormat.format(new Date(`${month.month}-01T00:00:00Z`))}
                  </Table.Th>
                  <Table.Td ta="right" fw={600}>
                    {month.rate == null ? (
                      <Text span c="dimmed" inherit aria-label={t('work.compliance.nothingDue')}>
                        {t('work.compliance.noRate')}
                      </Text>
                    ) : (
                      percent.format(month.rate)
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{month.due}</Table.Td>
                  <Table.Td ta="right">{month.on_time}</Table.Td>
                  <Table.Td ta="right">{month.late}</Table.Td>
                  <Table.Td ta="right">{month.pending}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Paper>
  );
}

interface Props {
  site: string | null;
  /** `?months=` as the address holds it (6 when absent or not one of the spans offered). */
  months: string | null;
  onChange: (key: 'site' | 'months', value: string | null) => void;
}

export function CompliancePanel({ site, months, onChange }: Props) {
  const { t } = useTranslation();
  const span = SPANS.find((entry) => String(entry) === months) ?? 6;
  const sites = useSiteOptions();
  const report = useQuery(complianceQuery(site, span));
  return (
    <Stack gap="md" component="section" aria-labelledby="compliance-title">
      <Stack gap={4}>
        <Title order={2} size="h3" id="compliance-title">
          {t('work.compliance.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('work.compliance.intro')}
        </Text>
      </Stack>
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
        <NativeSelect
          label={t('work.board.site')}
          value={site ?? ''}
          data={[{ value: '', label: t('common.all') }, ...sites.options]}
          onChange={(event) => {
            onChange('site', event.currentTarget.value || null);
          }}
        />
        <NativeSelect
          label={t('work.compliance.months')}
          value={String(span)}
          data={SPANS.map((count) => ({ value: String(count), label: t('work.compliance.monthsOption', { count }) }))}
          onChange={(event) => {
            onChange('months', event.currentTarget.value === '6' ? null : event.currentTarget.value);
          }}
        />
      </SimpleGrid>
      <ProblemAlert error={report.error ?? sites.error} />
      {report.isPending && (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {report.data?.sites.length === 0 && <Text>{t('work.compliance.empty')}</Text>}
      {report.data?.sites.map((entry) => (
        <SiteTable key={entry.site.id} report={entry} />
      ))}
    </Stack>
  );
}
