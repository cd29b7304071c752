// The editor's working copy of a procedure: form values, their conversion from and to the
// API's shapes, the checks made before anything is sent, and the moves on sections and steps.
import type { TFunction } from 'i18next';
import { provenance } from '../assistant/LimitSourceNote';
import type {
  ContentInput,
  LimitSource,
  RevisionPatch,
  RevisionView,
  SectionView,
  StepKind,
  StepView,
  WarningLevel,
} from '../../api/types';

export interface DraftStep {
  /** Stable key for React and drag and drop; the server id when the step exists. */
  uid: string;
  /** The server's id: sent back so the step keeps its identity across revisions. */
  id: string | null;
  kind: StepKind;
  title: string;
  body: string;
  required: boolean;
  warning_level: WarningLevel | null;
  warning_text: string;
  unit: string;
  min: number | '';
  max: number | '';
  options: string[];
  attachments: string[];
  /** Where the limit was read, and the limit as it was then: sent back only while unchanged. */
  limit_source: LimitSource | null;
  as_read: { unit: string | null; min: number | null; max: number | null } | null;
}

export interface DraftSection {
  uid: string;
  id: string | null;
  /** `null` only for the first group: the steps before any section. */
  title: string | null;
  steps: DraftStep[];
}

export interface DraftValues {
  code: string;
  title: string;
  language: string;
  description: string;
  tags: string[];
  asset_ids: string[];
  estimated_minutes: number | '';
  tools: string[];
  parts: string[];
  ppe: string[];
  /** Each run needs a second person's verification. */
  requires_verification: boolean;
  sections: DraftSection[];
}

/** The revision-level fields, sent with PATCH on a draft (and with the creation). */
export const METADATA_FIELDS = [
  'title',
  'language',
  'description',
  'tags',
  'estimated_minutes',
  'tools',
  'parts',
  'ppe',
  'requires_verification',
] as const satisfies readonly (keyof DraftValues & keyof RevisionPatch)[];

let counter = 0;
function localUid(prefix: string): string {
  counter += 1;
  return `${prefix}-${String(counter)}-${Math.random().toString(36).slice(2, 8)}`;
}

const orNull = (value: number | '') => (value === '' ? null : value);

export function newStep(): DraftStep {
  return {
    uid: localUid('step'),
    id: null,
    kind: 'instruction',
    title: '',
    body: '',
    required: true,
    warning_level: null,
    warning_text: '',
    unit: '',
    min: '',
    max: '',
    options: [],
    attachments: [],
    limit_source: null,
    as_read: null,
  };
}

export function newSection(): DraftSection {
  return { uid: localUid('section'), id: null, title: '', steps: [] };
}

function untitledGroup(steps: DraftStep[] = []): DraftSection {
  return { uid: localUid('section'), id: null, title: null, steps };
}

export function emptyDraft(language: string): DraftValues {
  return {
    code: '',
    title: '',
    language,
    description: '',
    tags: [],
    asset_ids: [],
    estimated_minutes: '',
    tools: [],
    parts: [],
    ppe: [],
    requires_verification: false,
    sections: [untitledGroup()],
  };
}

function fromStep(step: StepView): DraftStep {
  return {
    uid: step.id,
    id: step.id,
    kind: step.kind,
    title: step.title,
    body: step.body,
    required: step.required,
    warning_level: step.warning_level ?? null,
    warning_text: step.warning_text ?? '',
    unit: step.unit ?? '',
    min: step.min ?? '',
    max: step.max ?? '',
    options: step.options,
    attachments: step.attachments,
    limit_source: step.limit_source ?? null,
    as_read: step.limit_source ? { unit: step.unit ?? null, min: step.min ?? null, max: step.max ?? null } : null,
  };
}

/** Whether a number step's limit still rests on the passage it was read in. */
export function stepProvenance(step: DraftStep) {
  if (step.kind !== 'number') return null;
  return provenance({ unit: step.unit, min: orNull(step.min), max: orNull(step.max) }, step.limit_source, step.as_read);
}

function fromSection(section: SectionView): DraftSection {
  return {
    uid: section.id ?? localUid('section'),
    id: section.id ?? null,
    title: section.id ? (section.title ?? '') : null,
    steps: section.steps.map(fromStep),
  };
}

/**
 * The working copy of a saved draft. There is always an untitled group first, even an
 * empty one, so steps can be dropped before the first section.
 */
export function draftFromRevision(revision: RevisionView, code: string, assetIds: string[]): DraftValues {
  const sections = revision.content.sections.map(fromSection);
  if (sections[0]?.title !== null) sections.unshift(untitledGroup());
  return {
    code,
    title: revision.title,
    language: revision.language,
    description: revision.description,
    tags: revision.tags,
    asset_ids: assetIds,
    estimated_minutes: revision.estimated_minutes ?? '',
    tools: revision.tools,
    parts: revision.parts,
    ppe: revision.ppe,
    requires_verification: revision.requires_verification,
    sections,
  };
}

export function metadataPatch(values: DraftValues) {
  return {
    title: values.title.trim(),
    language: values.language,
    description: values.description,
    tags: values.tags,
    estimated_minutes: orNull(values.estimated_minutes),
    tools: values.tools,
    parts: values.parts,
    ppe: values.ppe,
    requires_verification: values.requires_verification,
  };
}

/** What the server stores; fields that do not belong to a step's kind are left out. */
export function contentInput(values: DraftValues): ContentInput {
  return {
    sections: values.sections
      .filter((section) => section.title !== null || section.steps.length > 0)
      .map((section) => ({
        id: section.id,
        title: section.title?.trim() ?? null,
        steps: section.steps.map((step) => {
          const isNumber = step.kind === 'number';
          const origin = stepProvenance(step);
          return {
            id: step.id,
            kind: step.kind,
            title: step.title.trim(),
            body: step.body,
            required: step.required,
            warning_level: step.warning_level,
            warning_text: step.warning_level ? step.warning_text.trim() || null : null,
            unit: isNumber ? step.unit.trim() || null : null,
            min: isNumber ? orNull(step.min) : null,
            max: isNumber ? orNull(step.max) : null,
            options: step.kind === 'choice' ? step.options.map((option) => option.trim()) : [],
            attachments: step.attachments,
            ...(origin?.state === 'read' ? { limit_source: origin.source } : {}),
          };
        }),
      })),
  };
}

export const stepPath = (section: number, step: number) => `sections.${String(section)}.steps.${String(step)}`;

/** The same checks as the server, so most mistakes are shown before saving. */
export function validateDraft(values: DraftValues, t: TFunction, creating: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  if (creating && !values.code.trim()) errors.code = t('validation.required');
  if (!values.title.trim()) errors.title = t('validation.required');
  values.sections.forEach((section, s) => {
    if (section.title !== null && !section.title.trim()) errors[`sections.${String(s)}.title`] = t('validation.required');
    section.steps.forEach((step, i) => {
      const path = stepPath(s, i);
      if (!step.title.trim()) errors[`${path}.title`] = t('validation.required');
      if (step.kind === 'number' && step.min !== '' && step.max !== '' && step.min > step.max) {
        errors[`${path}.max`] = t('editor.step.minAboveMax');
      }
      if (step.kind === 'choice') {
        const options = step.options.map((option) => option.trim());
        options.forEach((option, o) => {
          if (!option) errors[`${path}.options.${String(o)}`] = t('validation.required');
        });
        if (options.length < 2) errors[`${path}.options`] = t('editor.step.optionsTooFew');
        else if (new Set(options).size !== options.length) errors[`${path}.options`] = t('editor.step.optionsDuplicate');
      }
    });
  });
  return errors;
}

export interface StepPlace {
  section: number;
  index: number;
}

/** Where each step is, by its number over the whole revision (1-based, as the server counts). */
export function placeOfNumber(sections: DraftSection[], number: number): StepPlace | null {
  let n = 0;
  for (const [section, group] of sections.entries()) {
    for (const index of group.steps.keys()) {
      n += 1;
      if (n === number) return { section, index };
    }
  }
  return null;
}

export function findStep(sections: DraftSection[], uid: string): StepPlace | null {
  for (const [section, group] of sections.entries()) {
    const index = group.steps.findIndex((step) => step.uid === uid);
    if (index >= 0) return { section, index };
  }
  return null;
}

/** Moves one step to `to` (index in the target section after removal); returns new sections. */
export function moveStep(sections: DraftSection[], from: StepPlace, to: StepPlace): DraftSection[] {
  const next = sections.map((group) => ({ ...group, steps: [...group.steps] }));
  const source = next[from.section];
  const target = next[to.section];
  if (!source || !target) return sections;
  const [step] = source.steps.splice(from.index, 1);
  if (step) target.steps.splice(to.index, 0, step);
  return next;
}

/**
 * One place up or down for the keyboard: within the section, then across into the
 * neighbouring section (at its end going up, at its start going down).
 */
export function neighbourPlace(sections: DraftSection[], from: StepPlace, direction: -1 | 1): StepPlace | null {
  const index = from.index + direction;
  const length = sections[from.section]?.steps.length ?? 0;
  if (index >= 0 && index < length) return { section: from.section, index };
  const section = from.section + direction;
  const neighbour = sections[section];
  if (!neighbour) return null;
  return { section, index: direction === -1 ? neighbour.steps.length : 0 };
}

export function updateStep(
  sections: DraftSection[],
  uid: string,
  change: (step: DraftStep) => DraftStep,
): DraftSection[] {
  return sections.map((group) =>
    group.steps.some((step) => step.uid === uid)
      ? { ...group, steps: group.steps.map((step) => (step.uid === uid ? change(step) : step)) }
      : group,
  );
}

/** Removes a titled section; its steps join the end of the section before it. */
export function removeSection(sections: DraftSection[], index: number): DraftSection[] {
  const moving = sections[index]?.steps ?? [];
  return sections
    .map((group, i) => (i === index - 1 ? { ...group, steps: [...group.steps, ...moving] } : group))
    .filter((_, i) => i !== index);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What differs from the last saved state, as the three calls that save it would send it. */
export function changesSince(values: DraftValues, saved: DraftValues) {
  const patch = metadataPatch(values);
  const content = contentInput(values);
  return {
    patch: same(patch, metadataPatch(saved)) ? undefined : patch,
    assetIds: same(values.asset_ids, saved.asset_ids) ? undefined : values.asset_ids,
    content: same(content, contentInput(saved)) ? undefined : content,
  };
}

/** True when the form holds something not yet on the server. */
export function hasChanges(values: DraftValues, saved: DraftValues): boolean {
  return values.code !== saved.code || Object.values(changesSince(values, saved)).some((change) => change !== undefined);
}
