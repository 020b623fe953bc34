// Samples a process's resident set size (VmRSS in /proc/<pid>/status) on an interval.
import { readFileSync } from 'node:fs';

function readRssKb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null; // the process has exited
  }
}

export interface RssSampler {
  /** Stops sampling; returns the peak and sample count. */
  stop(): { peakMb: number; lastMb: number; samples: number };
}

export function sampleRss(pid: number, intervalMs = 200): RssSampler {
  let peakKb = 0;
  let lastKb = 0;
  let samples = 0;
  const sample = () => {
    const kb = readRssKb(pid);
    if (kb === null) return;
    samples++;
    lastKb = kb;
    peakKb = Math.max(peakKb, kb);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakMb: peakKb / 1024, lastMb: lastKb / 1024, samples };
    },
  };
}
