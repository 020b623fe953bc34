// The real gateway as users run it: the bundle `npm start` runs (`node dist/main.js`, built by
// `npm run bench`), as one ROLE=all process or as ROLE=server + ROLE=worker processes, each with
// bench settings. Talks to it only over HTTP (ingest endpoints and the admin API).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BenchChild, startChild } from './child-process';
import { onCleanup } from './cleanup';
import { BENCH_TWOCHECKOUT_KEY } from './ipn-bodies';
import { deleteKeys, REDIS_URL } from './redis-keys';

/** The node flags of `npm start` (package.json), so the bench runs the gateway exactly so. */
const START_NODE_ARGS = (() => {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const words = String(packageJson.scripts?.start ?? '').split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'dist/main.js') {
    throw new Error(`package.json "start" is not "node [flags] dist/main.js": ${packageJson.scripts?.start}`);
  }
  return words.slice(1, -1);
})();

export type Role = 'server' | 'worker' | 'all';

/** A queue prefix of this bench run; its keys are deleted at cleanup. */
export function benchQueuePrefix(label: string): string {
  const prefix = `ipn-bench-${randomBytes(4).toString('hex')}-${label}`;
  onCleanup(`redis keys ${prefix}`, async () => void (await deleteKeys(prefix)));
  return prefix;
}

export interface GatewaySettings {
  databaseUrl: string;
  queuePrefix: string;
  /** Extra environment (PAYPAL_VERIFY_URL, DELIVERY_CONCURRENCY...). */
  env?: Record<string, string>;
}

export interface GatewayProcess extends BenchChild {
  role: Role;
  /** Base URL, when the role serves HTTP. */
  url: string | null;
}

const ADMIN_TOKEN = randomBytes(16).toString('hex');
// One key for every gateway of a run, as in a deployment: the backlog rows (g, h) drain events
// whose subscriber secret a ROLE=server gateway sealed, in a gateway with another DATA_DIR.
const ENCRYPTION_KEY = randomBytes(32).toString('hex');

export async function startGatewayProcess(role: Role, settings: GatewaySettings): Promise<GatewayProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ipn-bench-'));
  onCleanup(`rm ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  const child = await startChild({
    name: `gateway (ROLE=${role})`,
    entry: 'dist/main.js',
    // e.g. BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile every gateway.
    nodeArgs: [
      ...START_NODE_ARGS,
      ...(process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
    // main.ts prints the start line, then (when serving HTTP) the endpoints and the health URL.
    ready: role === 'worker' ? /ipn-gateway started/ : /health: (http:\/\/[^/\s]+)\/healthz/,
    env: {
      ROLE: role,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: settings.databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: settings.queuePrefix,
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      ENCRYPTION_KEY,
      TWOCHECKOUT_SECRET_KEY: BENCH_TWOCHECKOUT_KEY,
      PAYPAL_VERIFY_URL: 'http://127.0.0.1:9/unused',
      LOG_LEVEL: 'warn',
      ...settings.env,
    },
  });
  return { ...child, role, url: role === 'worker' ? null : (child.ready[1] ?? null) };
}

/** Adds an enabled subscriber for every event type through the admin API. */
export async function addSubscriber(baseUrl: string, url: string): Promise<void> {
  const response = await fetch(`${baseUrl}/api/subscribers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, description: 'bench subscriber' }),
  });
  if (response.status !== 201)
    throw new Error(`creating a subscriber: ${response.status} ${await response.text()}`);
}

/** How the gateway is deployed for a run: `npm start` (one ROLE=all process) or split roles. */
export type Topology = 'all' | 'split';

export interface Gateway {
  url: string;
  processes: GatewayProcess[];
  pids(): number[];
  stop(): Promise<void>;
}

export async function startGateway(topology: Topology, settings: GatewaySettings): Promise<Gateway> {
  const roles: Role[] = topology === 'all' ? ['all'] : ['server', 'worker'];
  const processes: GatewayProcess[] = [];
  try {
    // The first process migrates the database before the others start.
    for (const role of roles) processes.push(await startGatewayProcess(role, settings));
  } catch (error) {
    await Promise.all(processes.map((child) => child.stop()));
    throw error;
  }
  const url = processes.find((child) => child.url)?.url;
  if (!url) throw new Error('no gateway process serves HTTP');
  return {
    url,
    processes,
    pids: () => processes.map((child) => child.pid),
    stop: async () => void (await Promise.all(processes.map((child) => child.stop()))),
  };
}
