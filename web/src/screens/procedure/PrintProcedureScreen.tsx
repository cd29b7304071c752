// A procedure laid out for A4 paper, outside the app frame (placeholder).
export function PrintProcedureScreen() {
  return null;
}
