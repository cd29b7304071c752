// Starts a run of a procedure's published revision and opens run mode (placeholder).
export interface StartRunButtonProps {
  procedureId: string;
  assetId?: string | null;
}

export function StartRunButton(props: StartRunButtonProps) {
  return props.procedureId ? null : null;
}
