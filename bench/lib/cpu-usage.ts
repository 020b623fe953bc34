// CPU time (user + system, from /proc) spent by the server under test, PostgreSQL, Redis and the
// bench process itself between two snapshots: where a request's time goes, machine-wide.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // CLK_TCK is 100 on Linux

type Group = 'app' | 'postgres' | 'redis' | 'bench';

interface Snapshot {
  at: number;
  ticks: Map<number, { group: Group; ticks: number }>;
  machine: { busy: number; total: number };
}

function readStat(pid: number): { comm: string; ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    // After "pid (comm) ": state is field 0; utime and stime are fields 11 and 12.
    return {
      comm: text.slice(text.indexOf('(') + 1, close),
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return null;
  }
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

export function cpuSnapshot(app: number | number[]): Snapshot {
  const appPids = new Set(Array.isArray(app) ? app : [app]);
  const ticks = new Map<number, { group: Group; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    const group: Group | null = appPids.has(pid)
      ? 'app'
      : pid === process.pid
        ? 'bench'
        : stat.comm === 'postgres'
          ? 'postgres'
          : stat.comm === 'redis-server'
            ? 'redis'
            : null;
    if (group) ticks.set(pid, { group, ticks: stat.ticks });
  }
  return { at: performance.now(), ticks, machine: machineTicks() };
}

export interface CpuUsage {
  /** Wall time between the snapshots. */
  seconds: number;
  /** CPU milliseconds per group. */
  ms: Record<Group, number>;
  /** Share of all cores that was busy (anything, not only these groups). */
  machineBusy: number;
  /** Cores used by everything else (other tests, builds): a noise indicator for the figures. */
  otherCores: number;
}

export function cpuSince(before: Snapshot, app: number | number[]): CpuUsage {
  const after = cpuSnapshot(app);
  const ms: Record<Group, number> = { app: 0, postgres: 0, redis: 0, bench: 0 };
  for (const [pid, now] of after.ticks) {
    const then = before.ticks.get(pid)?.ticks ?? 0;
    ms[now.group] += (now.ticks - then) * TICK_MS;
  }
  const busy = after.machine.busy - before.machine.busy;
  const total = after.machine.total - before.machine.total;
  const ours = ms.app + ms.postgres + ms.redis + ms.bench;
  return {
    seconds: (after.at - before.at) / 1000,
    ms,
    machineBusy: total > 0 ? busy / total : Number.NaN,
    otherCores: Math.max(0, busy * TICK_MS - ours) / (after.at - before.at),
  };
}
