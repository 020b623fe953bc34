// Percentiles and number formatting for the report.

/** Nearest-rank percentile of `values` (sorted in place); Infinity entries stand for "never". */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  const rank = Math.min(values.length, Math.max(1, Math.ceil((p / 100) * values.length)));
  return values[rank - 1] as number;
}

export function fmt(value: number, digits = 0): string {
  if (Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return 'never';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : 'n/a';
}

export function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'FAIL';
}

/** The memory targets are in MB (10^6 bytes); RSS is read in MiB (2^20 bytes). */
export const mibToMb = (mib: number) => (mib * 1_048_576) / 1_000_000;

/** `271 MiB (284 MB)`: the figure as read, and in the unit of the targets. */
export const fmtRss = (mib: number) => `${fmt(mib)} MiB (${fmt(mibToMb(mib))} MB)`;
