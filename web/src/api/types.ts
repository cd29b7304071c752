// Short names for the schemas the screens use, straight from the generated API types.
import type { components as Ai } from './ai';
import type { components as Files } from './files';
import type { components as Procedures } from './procedures';
import type { components as Work } from './work';

type P = Procedures['schemas'];
export type AssetDetail = P['AssetDetail'];
export type AssetKind = P['AssetKind'];
export type AssetView = P['AssetView'];
export type AssetRef = P['AssetRef'];
export type AuditEvent = P['AuditEvent'];
export type ProcedureSummary = P['ProcedureSummary'];
export type ProcedureView = P['ProcedureView'];
export type ProcedureDocument = P['ProcedureDocument'];
export type RevisionView = P['RevisionView'];
export type Signature = P['Signature'];
export type RevisionSummary = P['RevisionSummary'];
export type RevisionStatus = P['RevisionStatus'];
export type RevisionDiff = P['RevisionDiff'];
export type SafetyReview = P['SafetyReview'];
export type SafetyFinding = P['SafetyFinding'];
export type UnsourcedLimit = P['UnsourcedLimit'];
/** Where a number step's limit was read (the same shape in the assistant's proposals). */
export type LimitSource = P['LimitSource'];
export type RevisionPatch = P['RevisionPatch'];
export type SectionView = P['SectionView'];
export type StepView = P['StepView'];
export type StepKind = P['StepKind'];
export type StepInput = P['StepInput'];
export type SectionInput = P['SectionInput'];
export type ContentInput = P['ContentInput'];
export type WarningLevel = P['WarningLevel'];
export type RunView = P['RunView'];
export type RunSummary = P['RunSummary'];
export type RunOutcome = P['RunOutcome'];
export type RunStatus = P['RunStatus'];
export type Verification = P['Verification'];
export type ResultView = P['ResultView'];
export type ResultInput = P['ResultInput'];
export type FlaggedStep = P['FlaggedStep'];
export type StepStats = P['StepStats'];

type F = Files['schemas'];
export type FileView = F['FileView'];
export type UploadLimits = F['UploadLimits'];

type A = Ai['schemas'];
export type JobView = A['JobView'];
export type JobInput = A['JobInput'];
export type JobStatus = A['JobStatus'];
export type DraftProposal = A['DraftProposal'];
export type ProposedStep = A['ProposedStep'];
export type ProposedSection = A['ProposedSection'];
export type ReviewResult = A['ReviewResult'];
export type Finding = A['Finding'];
export type Answer = A['Answer'];
export type Citation = A['Citation'];
export type Passage = A['Passage'];
export type ProviderInfo = A['ProviderInfo'];

export const STEP_KINDS: readonly StepKind[] = [
  'instruction',
  'checkbox',
  'pass_fail',
  'number',
  'text',
  'choice',
  'photo',
  'signature',
];
export const WARNING_LEVELS: readonly WarningLevel[] = ['note', 'caution', 'warning', 'danger'];

type W = Work['schemas'];
export type MyWork = W['MyWork'];
export type OrderView = W['OrderView'];
export type OrderDetail = W['OrderDetail'];
export type OrderStatus = W['OrderStatus'];
export type Priority = W['Priority'];
export type PlanView = W['PlanView'];
export type PlanInput = W['PlanInput'];
export type PlanPatch = W['PlanPatch'];
export type PlanStatus = W['PlanStatus'];
export type IntervalUnit = W['IntervalUnit'];
export type Schedule = W['Schedule'];
export type Occurrence = W['Occurrence'];
export type Calendar = W['Calendar'];
export type PlannedOccurrence = W['PlannedOccurrence'];
export type Meter = W['Meter'];
export type Board = W['Board'];
export type BoardColumn = W['BoardColumn'];
export type Compliance = W['Compliance'];
export type ComplianceMonth = W['ComplianceMonth'];
export type SiteCompliance = W['SiteCompliance'];
export type TeamView = W['TeamView'];
export type TeamInput = W['TeamInput'];
export type TeamPatch = W['TeamPatch'];
export type Person = W['Person'];
