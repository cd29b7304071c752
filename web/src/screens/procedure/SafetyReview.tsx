// The safety review of a revision waiting for approval: what it weakens compared with the
// revision in force, each point with the step on both sides, for the reviewer to read first.
import { Alert, Anchor, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconFileUnknown, IconShieldCheck } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { WARNING_LEVELS, type SafetyFinding, type UnsourcedLimit, type WarningLevel } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useFormat, type Format } from './format';
import { safetyReviewQuery } from './procedureApi';

const TOPICS = ['lock_out', 'zero_energy', 'ppe'] as const;
type Topic = (typeof TOPICS)[number];
const isTopic = (value: unknown): value is Topic => TOPICS.includes(value as Topic);
const isWarningLevel = (value: unknown): value is WarningLevel => WARNING_LEVELS.includes(value as WarningLevel);

interface Limits {
  min: number | null;
  max: number | null;
  unit: string | null;
}

const isLimits = (value: unknown): value is Limits =>
  typeof value === 'object' && value !== null && 'min' in value && 'max' in value;

/** A finding's `before` or `after` as a person reads it. */
function describe(value: unknown, t: TFunction, format: Format): string {
  if (value === null || value === undefined) return t('procedure.diff.empty');
  if (isWarningLevel(value)) return t(`domain.warningLevel.${value}`);
  if (isLimits(value)) {
    const bound = (v: number | null) => (v === null ? t('procedure.safety.noBound') : format.number(v));
    return t('procedure.safety.limits', { min: bound(value.min), max: bound(value.max), unit: value.unit ?? '' }).trim();
  }
  if (Array.isArray(value)) {
    return value.length
      ? value.map((v) => (isTopic(v) ? t(`procedure.safety.topic.${v}`) : String(v))).join(', ')
      : t('procedure.diff.empty');
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function FindingItem({ finding, procedureId, against, revision }: { finding: SafetyFinding; procedureId: string; against: number; revision: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const values = { before: describe(finding.before, t, format), after: describe(finding.after, t, format) };
  return (
    <List.Item>
      <Stack gap={0}>
        <Text size="sm" fw={600}>
          {t(`procedure.safety.kind.${finding.kind}`, values)}
        </Text>
        {finding.before_step && (
          <Anchor size="sm" component={Link} to={`/procedures/${procedureId}?revision=${against}`}>
            {t('procedure.safety.before', { number: finding.before_step.number, title: finding.before_step.title })}
          </Anchor>
        )}
        {finding.after_step ? (
          <Anchor size="sm" component={Link} to={`/procedures/${procedureId}?revision=${revision}`}>
            {t('procedure.safety.after', { number: finding.after_step.number, title: finding.after_step.title })}
          </Anchor>
        ) : (
          finding.before_step && <Text size="sm">{t('procedure.safety.gone')}</Text>
        )}
      </Stack>
    </List.Item>
  );
}

/** How many safety points revision `n` weakens (undefined while loading or without a baseline). */
export function useSafetyFindingCount(procedureId: string, n: number, enabled: boolean): number | undefined {
  const review = useQuery({ ...safetyReviewQuery(procedureId, n), enabled });
  const data = review.data;
  return data?.against_number != null ? data.findings.length : undefined;
}

/** The new or changed limits no passage of a document vouches for, for the reviewer to check. */
function UnsourcedLimits({ items, procedureId, revision }: { items: UnsourcedLimit[]; procedureId: string; revision: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (items.length === 0) return null;
  return (
    <Alert
      color="yellow"
      variant="light"
      icon={<IconFileUnknown aria-hidden />}
      title={t('procedure.safety.unsourcedTitle')}
      aria-label={t('procedure.safety.unsourcedTitle')}
      data-unsourced-limits
    >
      <Stack gap="xs">
        <Text size="sm">{t('procedure.safety.unsourcedIntro')}</Text>
        <List spacing="xs">
          {items.map((item) => {
            const values = {
              number: item.step.number,
              title: item.step.title,
              limits: describe(item.limits, t, format),
              before: describe(item.before, t, format),
            };
            return (
              <List.Item key={item.step.step_id}>
                <Anchor size="sm" component={Link} to={`/procedures/${procedureId}?revision=${revision}`}>
                  {t(item.before == null ? 'procedure.safety.unsourcedNew' : 'procedure.safety.unsourcedChanged', values)}
                </Anchor>
              </List.Item>
            );
          })}
        </List>
      </Stack>
    </Alert>
  );
}

function Findings({ findings, procedureId, against, revision }: { findings: SafetyFinding[]; procedureId: string; against: number; revision: number }) {
  const { t } = useTranslation();
  if (findings.length === 0) {
    return (
      <Alert color="green" variant="light" icon={<IconShieldCheck aria-hidden />} title={t('procedure.safety.title', { number: against })}>
        <Text size="sm">{t('procedure.safety.none', { number: against })}</Text>
      </Alert>
    );
  }
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconAlertTriangle aria-hidden />}
      title={t('procedure.safety.title', { number: against })}
      aria-label={t('procedure.safety.title', { number: against })}
    >
      <Stack gap="xs">
        <Text size="sm">{t('procedure.safety.intro')}</Text>
        <Text size="sm" fw={600}>
          {t('procedure.safety.count', { count: findings.length })}
        </Text>
        <List spacing="xs">
          {findings.map((finding, i) => (
            <FindingItem key={i} finding={finding} procedureId={procedureId} against={against} revision={revision} />
          ))}
        </List>
      </Stack>
    </Alert>
  );
}

export function SafetyReview({ procedureId, revisionNumber }: { procedureId: string; revisionNumber: number }) {
  const review = useQuery(safetyReviewQuery(procedureId, revisionNumber));
  if (review.error) return <ProblemAlert error={review.error} />;
  const data = review.data;
  if (!data) return null;
  const against = data.against_number;
  if (against == null && data.unsourced_limits.length === 0) return null;
  return (
    <Stack gap="sm">
      {against != null && <Findings findings={data.findings} procedureId={procedureId} against={against} revision={data.revision_number} />}
      <UnsourcedLimits items={data.unsourced_limits} procedureId={procedureId} revision={data.revision_number} />
    </Stack>
  );
}
