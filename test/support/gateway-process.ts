// Runs the gateway as a real child process (`src/main.ts`, as `npm start` does), for tests of
// several processes, SIGTERM and SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_ADMIN_TOKEN, TEST_ENCRYPTION_KEY, TWOCHECKOUT_TEST_KEY } from './gateway';

export interface GatewayProcess {
  child: ChildProcess;
  /** Base URL when the role serves HTTP. */
  url: string | null;
  output(): string;
  exited: Promise<number | null>;
  signal(name: NodeJS.Signals): void;
}

export async function spawnGateway(
  env: Record<string, string>,
  startTimeoutMs = 30_000,
  /** `src/main.ts` through tsx, or the built `dist/main.js` that `npm start` runs. */
  entry = 'src/main.ts',
): Promise<GatewayProcess> {
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, entry], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      // Processes sharing a database must share the key that seals subscriber secrets.
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      TWOCHECKOUT_SECRET_KEY: TWOCHECKOUT_TEST_KEY,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ipn-gateway-proc-')),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), startTimeoutMs);
    const check = () => {
      if (output.includes('ipn-gateway started')) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!started) {
    child.kill('SIGKILL');
    throw new Error(`gateway process did not start:\n${output}`);
  }
  const url = /health: (http:\/\/[^/\s]+)\/healthz/.exec(output)?.[1] ?? null;
  return { child, url, output: () => output, exited, signal: (name) => child.kill(name) };
}
