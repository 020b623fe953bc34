// The real gateway (src/main.ts) as a child process with bench settings; its queue keys and data
// folder are removed when the bench ends.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BenchChild, startChild } from './child-process';
import { onCleanup } from './cleanup';
import { deleteKeys, REDIS_URL } from './redis-keys';

export const TWOCHECKOUT_KEY = 'AABBCCDDEEFF';

export interface GatewayChild extends BenchChild {
  /** Base URL, when the role serves HTTP. */
  url: string | null;
}

/** A queue prefix of this bench run; its keys are deleted at cleanup. */
export function benchQueuePrefix(label: string): string {
  const prefix = `ipn-bench-${randomBytes(4).toString('hex')}-${label}`;
  onCleanup(`redis keys ${prefix}`, async () => void (await deleteKeys(prefix)));
  return prefix;
}

export interface GatewayEnv {
  role: 'server' | 'worker' | 'all';
  databaseUrl: string;
  queuePrefix: string;
  extra?: Record<string, string>;
  nodeArgs?: string[];
}

export async function startGateway(env: GatewayEnv): Promise<GatewayChild> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ipn-bench-'));
  onCleanup(`rm ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  const child = await startChild({
    name: `gateway (${env.role})`,
    // The bundle `npm start` runs (`npm run bench` builds it first).
    entry: 'dist/main.js',
    // e.g. BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile every gateway.
    nodeArgs: env.nodeArgs ?? process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean),
    // main.ts prints the start line, then (when serving HTTP) the endpoints and the health URL.
    ready: env.role === 'worker' ? /ipn-gateway started/ : /health: (http:\/\/[^/\s]+)\/healthz/,
    env: {
      ROLE: env.role,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: env.databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: env.queuePrefix,
      DATA_DIR: dataDir,
      ADMIN_TOKEN: randomBytes(16).toString('hex'),
      TWOCHECKOUT_SECRET_KEY: TWOCHECKOUT_KEY,
      PAYPAL_VERIFY_URL: 'http://127.0.0.1:9/unused',
      LOG_LEVEL: 'warn',
      ...env.extra,
    },
  });
  return { ...child, url: child.ready[1] ?? null };
}
