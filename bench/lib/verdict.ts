// One row of the final summary, in the table format: what was measured, the gateway's
// figure, the floor measured beside it in the same run (if any), the compared figure, the target.
export interface Verdict {
  /** Row letter of the table (a-h). */
  row: string;
  measure: string;
  gateway: string;
  floor: string;
  /** The figure compared with the target (a ratio, a p99, a peak). */
  figure: string;
  target: string;
  pass: boolean;
}
