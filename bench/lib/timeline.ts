// Per-second view of an open-loop run (BENCH_VERBOSE=1): notifications sent, deliveries received
// and their median latency, to tell a slow start from a growing backlog.
import { fmt, percentile } from './stats';
import { printTable } from './table';

export interface Receipt {
  receivedAt: number;
  latencyMs: number;
}

export function printTimeline(sentAt: Float64Array, receipts: Receipt[]): void {
  const start = sentAt[0] ?? 0;
  const second = (at: number) => Math.max(0, Math.floor((at - start) / 1000));
  const buckets: { sent: number; latencies: number[] }[] = [];
  const bucket = (index: number) => {
    while (buckets.length <= index) buckets.push({ sent: 0, latencies: [] });
    return buckets[index] as { sent: number; latencies: number[] };
  };
  for (const at of sentAt) if (at > 0) bucket(second(at)).sent++;
  for (const receipt of receipts) bucket(second(receipt.receivedAt)).latencies.push(receipt.latencyMs);
  printTable(
    'timeline (by second since the first send)',
    ['second', 'IPNs sent', 'deliveries received', 'their p50 latency ms'],
    buckets.map((b, index) => [
      `${index}`,
      fmt(b.sent),
      fmt(b.latencies.length),
      fmt(percentile(b.latencies, 50)),
    ]),
  );
}
