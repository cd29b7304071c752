// What a run's steps and results mean, computed on the device so the technician sees it before
// (or without) the server's answer. The server checks the same rules again.
import type { TFunction } from 'i18next';
import type { ResultInput, ResultView, RunView, StepView } from '../../api/types';

/** A step result's value: any JSON value (see `toResultInput`). */
export type ResultValue = unknown;

/** What the technician entered for a step: queued, or already on the server. */
export interface Entry {
  value: ResultValue;
  note: string | null;
  photoIds: string[];
}

export interface RunStep extends StepView {
  sectionTitle: string | null;
}

export function runSteps(run: RunView): RunStep[] {
  return run.revision.content.sections.flatMap((section) =>
    section.steps.map((step) => ({ ...step, sectionTitle: section.title ?? null })),
  );
}

/**
 * The request body for an entry. The generated types still describe `value` as an object
 * (the OpenAPI document is being corrected to "any JSON value"): this is the one cast. Going
 * through a local keeps it valid, and lint-clean, once `value` is `unknown`.
 */
export function toResultInput(resultId: string, entry: Entry): ResultInput {
  const body: Omit<ResultInput, 'value'> & { value: ResultValue } = {
    result_id: resultId,
    value: entry.value,
    note: entry.note?.trim() ? entry.note.trim() : null,
    photo_ids: entry.photoIds,
  };
  const input = body as ResultInput;
  return input;
}

export function fromResult(result: ResultView): Entry {
  return { value: result.value, note: result.note ?? null, photoIds: result.photo_ids };
}

/** Whether an entry answers a required step (an unticked checkbox does not). */
export function isDone(step: StepView, entry: Entry | undefined): boolean {
  if (!entry) return false;
  switch (step.kind) {
    case 'instruction':
      return true;
    case 'checkbox':
      return entry.value === true;
    case 'photo':
      return entry.photoIds.length > 0;
    default:
      return entry.value !== null && entry.value !== undefined && entry.value !== '';
  }
}

export interface LimitProblem {
  side: 'below' | 'above';
  value: number;
  limit: number;
}

/** A reading outside the step's min/max, as the server will judge it. */
export function limitProblem(step: StepView, value: ResultValue): LimitProblem | null {
  if (step.kind !== 'number' || typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (step.min != null && value < step.min) return { side: 'below', value, limit: step.min };
  if (step.max != null && value > step.max) return { side: 'above', value, limit: step.max };
  return null;
}

/** A failed check or an out-of-limit reading: it wants a note before sign-off. */
export function isFlagged(step: StepView, entry: Entry | undefined): boolean {
  if (!entry) return false;
  if (step.kind === 'pass_fail') return entry.value === 'fail';
  return limitProblem(step, entry.value) !== null;
}

export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 6 }).format(value);
}

function withUnit(value: number, step: StepView, language: string): string {
  return step.unit ? `${formatNumber(value, language)} ${step.unit}` : formatNumber(value, language);
}

/** The sentence shown beside an out-of-limit reading, in the reader's language. */
export function limitMessage(step: StepView, problem: LimitProblem, t: TFunction, language: string): string {
  return t(problem.side === 'below' ? 'runs.limits.below' : 'runs.limits.above', {
    value: withUnit(problem.value, step, language),
    limit: withUnit(problem.limit, step, language),
  });
}

/** "2 – 3 bar", "≥ 2 bar", or null when the step has no limits. */
export function limitRange(step: StepView, t: TFunction, language: string): string | null {
  const min = step.min ?? null;
  const max = step.max ?? null;
  if (min !== null && max !== null) {
    return t('runs.limits.range', { min: formatNumber(min, language), max: withUnit(max, step, language) });
  }
  if (min !== null) return t('runs.limits.min', { limit: withUnit(min, step, language) });
  if (max !== null) return t('runs.limits.max', { limit: withUnit(max, step, language) });
  return null;
}

/** An entry's value as text for the report; photos and signatures are shown as images instead. */
export function formatValue(step: StepView, entry: Entry, t: TFunction, language: string): string | null {
  const { value } = entry;
  switch (step.kind) {
    case 'instruction':
      return t('runs.value.done');
    case 'checkbox':
      return value === true ? t('runs.value.checked') : t('runs.value.unchecked');
    case 'pass_fail':
      return value === 'pass' ? t('runs.value.pass') : t('runs.value.fail');
    case 'number':
      return typeof value === 'number' ? withUnit(value, step, language) : null;
    case 'text':
    case 'choice':
      return typeof value === 'string' ? value : null;
    case 'photo':
    case 'signature':
      return null;
  }
}
