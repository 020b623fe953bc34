// Memory of "the gateway": the resident set sizes of its processes and every process they start,
// summed, sampled on an interval. A redis-server the gateway starts is infrastructure, not the
// gateway, so it is left out (and reported apart).
import { readdirSync, readFileSync } from 'node:fs';

interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    return { pid, ppid: Number(fields[1]), comm: text.slice(text.indexOf('(') + 1, close) };
  } catch {
    return null;
  }
}

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // exited between the listing and the read
  }
}

/** The roots and all their descendants (by parent pid), as currently running. */
export function processTree(roots: number[]): ProcInfo[] {
  const all: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const info = readProc(pid);
    if (info) all.push(info);
  }
  const inTree = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const info of all) {
      if (!inTree.has(info.pid) && inTree.has(info.ppid)) {
        inTree.add(info.pid);
        grew = true;
      }
    }
  }
  return all.filter((info) => inTree.has(info.pid));
}

export interface TreeRss {
  /** Peak of the summed RSS of the gateway's processes (MiB). */
  peakMb: number;
  /** Most processes seen in the tree at once (redis-server excluded). */
  processes: number;
  /** Peak RSS of a redis-server the gateway started, if any (MiB). */
  redisPeakMb: number;
  samples: number;
}

export interface TreeRssSampler {
  /** Adds more roots (a second gateway process started later). */
  add(pid: number): void;
  peek(): TreeRss;
  stop(): TreeRss;
}

export function sampleTreeRss(roots: number[], intervalMs = 200): TreeRssSampler {
  const rootSet = new Set(roots);
  const result: TreeRss = { peakMb: 0, processes: 0, redisPeakMb: 0, samples: 0 };
  const sample = () => {
    let gatewayKb = 0;
    let redisKb = 0;
    let processes = 0;
    for (const info of processTree([...rootSet])) {
      if (info.comm === 'redis-server') redisKb += rssKb(info.pid);
      else {
        gatewayKb += rssKb(info.pid);
        processes++;
      }
    }
    if (processes === 0) return;
    result.samples++;
    result.peakMb = Math.max(result.peakMb, gatewayKb / 1024);
    result.redisPeakMb = Math.max(result.redisPeakMb, redisKb / 1024);
    result.processes = Math.max(result.processes, processes);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    add: (pid) => void rootSet.add(pid),
    peek: () => ({ ...result }),
    stop() {
      clearInterval(timer);
      sample();
      return { ...result };
    },
  };
}
