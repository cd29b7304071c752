// A proposal as the person edits it, and the procedure it is saved as. The assistant's
// output is loosely typed (a model may answer an unknown kind); everything the procedures
// API would refuse is normalised or dropped here, since that API rejects unknown fields.
import {
  STEP_KINDS,
  WARNING_LEVELS,
  type Citation,
  type ContentInput,
  type DraftProposal,
  type LimitSource,
  type ProposedStep,
  type StepInput,
  type StepKind,
  type WarningLevel,
} from '../../api/types';
import type { CreateProcedure } from './assistantApi';
import { provenance } from './LimitSourceNote';

export interface EditableStep {
  /** Local identity for React keys; never sent. */
  uid: string;
  section: string | null;
  kind: StepKind;
  title: string;
  body: string;
  required: boolean;
  min: number | null;
  max: number | null;
  unit: string;
  options: string[];
  warningLevel: WarningLevel | null;
  warningText: string;
  citations: Citation[];
  /** Where the unit and bounds were read, and what they were then: the source is saved with
   * the step only while the limit is still the one read. */
  limitSource: LimitSource | null;
  asRead: { unit: string | null; min: number | null; max: number | null } | null;
}

export interface EditableProposal {
  code: string;
  title: string;
  description: string;
  language: string;
  tools: string[];
  parts: string[];
  ppe: string[];
  steps: EditableStep[];
}

function asKind(kind: string): StepKind {
  return (STEP_KINDS as readonly string[]).includes(kind) ? (kind as StepKind) : 'instruction';
}

function asWarningLevel(level: string | null | undefined): WarningLevel | null {
  return level && (WARNING_LEVELS as readonly string[]).includes(level) ? (level as WarningLevel) : null;
}

function toEditableStep(step: ProposedStep, section: string | null, uid: string): EditableStep {
  return {
    uid,
    section,
    kind: asKind(step.kind),
    title: step.title,
    body: step.body ?? '',
    required: step.required ?? true,
    min: step.min ?? null,
    max: step.max ?? null,
    unit: step.unit ?? '',
    options: step.options ?? [],
    warningLevel: asWarningLevel(step.warning_level),
    warningText: step.warning_text ?? '',
    citations: step.citations ?? [],
    limitSource: step.limit_source ?? null,
    asRead: step.limit_source ? { unit: step.unit ?? null, min: step.min ?? null, max: step.max ?? null } : null,
  };
}

/** Whether the step's limit rests on its source passage, was changed since, or has none. */
export function stepProvenance(step: EditableStep) {
  if (step.kind !== 'number') return null;
  return provenance({ unit: step.unit, min: step.min, max: step.max }, step.limitSource, step.asRead);
}

/** Blank section titles are no titles: only the first section may lack one. */
function sectionTitle(title: string | null | undefined): string | null {
  const trimmed = title?.trim();
  return trimmed === undefined || trimmed === '' ? null : trimmed;
}

export function toEditable(proposal: DraftProposal, code: string, description?: string): EditableProposal {
  let counter = 0;
  return {
    code,
    title: proposal.title,
    description: description ?? proposal.description ?? '',
    language: proposal.language,
    tools: proposal.tools ?? [],
    parts: proposal.parts ?? [],
    ppe: proposal.ppe ?? [],
    steps: proposal.sections.flatMap((section) =>
      section.steps.map((step) => toEditableStep(step, sectionTitle(section.title), `s${String(counter++)}`)),
    ),
  };
}

function toStepInput(step: EditableStep): StepInput {
  const input: StepInput = {
    kind: step.kind,
    title: step.title.trim(),
    body: step.body,
    required: step.required,
  };
  if (step.kind === 'number') {
    input.min = step.min;
    input.max = step.max;
    input.unit = step.unit.trim() || null;
    const origin = stepProvenance(step);
    if (origin?.state === 'read') input.limit_source = origin.source;
  }
  if (step.kind === 'choice') input.options = step.options;
  if (step.warningLevel) {
    input.warning_level = step.warningLevel;
    input.warning_text = step.warningText.trim() || null;
  }
  return input;
}

/** Consecutive steps with the same section title form one section, in order. */
function toContent(steps: readonly EditableStep[]): ContentInput {
  const sections: ContentInput['sections'] = [];
  for (const step of steps) {
    const last = sections.at(-1);
    if (last && (last.title ?? null) === step.section) last.steps.push(toStepInput(step));
    else sections.push({ title: step.section, steps: [toStepInput(step)] });
  }
  return { sections };
}

export function toCreateProcedure(proposal: EditableProposal): CreateProcedure {
  return {
    code: proposal.code.trim(),
    title: proposal.title.trim(),
    description: proposal.description.trim(),
    language: proposal.language,
    tools: proposal.tools,
    parts: proposal.parts,
    ppe: proposal.ppe,
    content: toContent(proposal.steps),
  };
}

/** The procedures service's rule for codes (letters, digits, dots, dashes, underscores). */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
