// One line of the final summary: a target, what was measured, and whether it was met.
export interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
}
