// One step as the reader sees it: number, kind, title, warning, body, what to record, photos.
import { Badge, Group, Paper, Stack, Title, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { StepView } from '../../api/types';
import { FileThumb } from '../../components/FileThumb';
import { Markdown } from '../../components/Markdown';
import { WarningCallout } from '../../components/WarningCallout';
import { StepExpectation } from './StepExpectation';

/** The element id other screens link to (`/procedures/:id#step-<key>`). */
export function stepAnchor(step: Pick<StepView, 'key'>): string {
  return `step-${step.key}`;
}

export function StepCard({ step, headingOrder }: { step: StepView; headingOrder: 2 | 3 }) {
  const { t } = useTranslation();
  const titleId = `${stepAnchor(step)}-title`;
  return (
    <Paper
      component="article"
      id={stepAnchor(step)}
      aria-labelledby={titleId}
      withBorder
      p="md"
      // The hash target is scrolled to under the sticky app header.
      style={{ scrollMarginTop: 76 }}
      tabIndex={-1}
    >
      <Stack gap="sm">
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <Badge size="lg" circle variant="filled" aria-hidden>
            {step.number}
          </Badge>
          <Stack gap={4} style={{ minWidth: 0 }}>
            <Title order={headingOrder} size="h4" id={titleId} style={{ overflowWrap: 'anywhere' }}>
              {/* The badge shows the number to the eye; the heading says it to screen readers. */}
              <VisuallyHidden>{t('procedure.step.number', { number: step.number })} </VisuallyHidden>
              {step.title}
            </Title>
            <Group gap={6}>
              <Badge variant="light" color="gray" tt="none">
                {t(`domain.stepKind.${step.kind}`)}
              </Badge>
              {step.required && (
                <Badge variant="outline" color="red" tt="none">
                  {t('domain.required')}
                </Badge>
              )}
            </Group>
          </Stack>
        </Group>
        <WarningCallout level={step.warning_level} text={step.warning_text} />
        <Markdown>{step.body}</Markdown>
        <StepExpectation step={step} />
        {step.attachments.length > 0 && (
          <Group gap="sm" aria-label={t('procedure.step.attachments')} role="group">
            {step.attachments.map((fileId) => (
              <FileThumb key={fileId} fileId={fileId} />
            ))}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
