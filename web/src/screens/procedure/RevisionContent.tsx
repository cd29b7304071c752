// The sections and steps of a revision, in order; scrolls to `#step-…` when linked to one.
import { Stack, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import type { RevisionView, StepView } from '../../api/types';
import { StepCard, stepAnchor } from './StepCard';

/** Links name a step by key (stable across revisions), id, or number (AI review findings). */
function findLinkedStep(steps: readonly StepView[], hash: string): StepView | undefined {
  const match = /^#step-(.+)$/.exec(decodeURIComponent(hash));
  if (!match) return undefined;
  const target = match[1];
  return steps.find((step) => step.key === target || step.id === target || String(step.number) === target);
}

export function RevisionContent({ revision }: { revision: RevisionView }) {
  const { t } = useTranslation();
  const { hash } = useLocation();
  const sections = revision.content.sections;

  useEffect(() => {
    const step = findLinkedStep(
      revision.content.sections.flatMap((section) => section.steps),
      hash,
    );
    if (!step) return;
    const element = document.getElementById(stepAnchor(step));
    element?.scrollIntoView({ block: 'start' });
    element?.focus({ preventScroll: true });
  }, [hash, revision]);

  if (sections.every((section) => section.steps.length === 0)) return <Text c="dimmed">{t('procedure.noSteps')}</Text>;
  return (
    <Stack gap="xl">
      {sections.map((section, index) => (
        <Stack component="section" gap="sm" key={section.id ?? `untitled-${index}`}>
          {section.title && <Title order={2} size="h3">{section.title}</Title>}
          {section.steps.map((step) => (
            // Steps sit under their section's heading, or straight under the page's.
            <StepCard key={step.id} step={step} headingOrder={section.title ? 3 : 2} />
          ))}
        </Stack>
      ))}
    </Stack>
  );
}
