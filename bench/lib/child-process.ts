// Starts an entry point (a .ts one via `node --import tsx`) as a direct child (so its pid is the node
// process itself), waits for its ready line, and always stops it, even if the bench fails.
import { type ChildProcess, spawn } from 'node:child_process';
import { onCleanup } from './cleanup';

const OUTPUT_KEEP_CHARS = 64 * 1024;
const live = new Set<ChildProcess>();

// Last resort if the bench itself dies: no child outlives it.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface BenchChild {
  pid: number;
  /** The child itself (for IPC when started with `ipc`). */
  process: ChildProcess;
  /** performance.now() when the ready line arrived. */
  readyAt: number;
  ready: RegExpExecArray;
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ChildOptions {
  entry: string;
  env: Record<string, string>;
  ready: RegExp;
  name: string;
  startTimeoutMs?: number;
  nodeArgs?: string[];
  /** Opens an IPC channel (process.send in the child). */
  ipc?: boolean;
}

export async function startChild(options: ChildOptions): Promise<BenchChild> {
  // A built .js entry runs as is; a .ts one through tsx's loader.
  const loader = options.entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, options.entry], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEEP_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });

  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const removeCleanup = onCleanup(`stop ${options.name}`, () => stop(3_000));

  const ready = await new Promise<{ match: RegExpExecArray; at: number } | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), options.startTimeoutMs ?? 30_000);
    const check = () => {
      const match = options.ready.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve({ match, at: performance.now() });
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(null);
    });
  });
  if (!ready || child.pid === undefined) {
    await removeCleanup();
    throw new Error(`${options.name} did not start:\n${output}`);
  }
  return {
    pid: child.pid,
    process: child,
    readyAt: ready.at,
    ready: ready.match,
    output: () => output,
    exited,
    stop: async (graceMs) => {
      await stop(graceMs);
      await removeCleanup();
    },
  };
}
