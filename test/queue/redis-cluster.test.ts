// Cluster mode (REDIS_CLUSTER=true): a real 3-node Redis Cluster started by this file carries the
// gateway's queues; notifications are ingested (a PayPal one verified first), delivered, and a
// failed attempt is retried.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paypalIpn, twocheckoutIpn } from '../../bench/lib/ipn-bodies';
import { ConfigError, loadConfig } from '../../src/config/config';
import { hasHashTag, parseRedisTarget } from '../../src/queue/redis-target';
import { apiJson, createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { hasRedisServer, type LocalCluster, startLocalCluster } from '../support/redis-cluster';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('cluster settings', () => {
  const nodes = 'redis://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002';

  it('takes a node list and a hash-tagged prefix in cluster mode', () => {
    const config = loadConfig({ REDIS_URL: nodes, REDIS_CLUSTER: 'true', QUEUE_PREFIX: '{ipn-gateway}' });
    expect(config.redisCluster).toBe(true);
    expect(config.queuePrefix).toBe('{ipn-gateway}');
    expect(config.redisUrl).toBe(`cluster+${nodes}`);
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisCluster).toBe(false);
  });

  it('refuses a prefix without a hash tag in cluster mode, in one line', () => {
    for (const prefix of ['ipn-gateway', 'ipn{}', 'ipn}x{']) {
      const found = problems({ REDIS_URL: nodes, REDIS_CLUSTER: 'true', QUEUE_PREFIX: prefix });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^QUEUE_PREFIX: with REDIS_CLUSTER=true it must contain a hash tag/);
    }
    // The default prefix is refused too: cluster mode must be configured on purpose.
    expect(problems({ REDIS_URL: nodes, REDIS_CLUSTER: 'true' })).toHaveLength(1);
  });

  it('refuses a node list without cluster mode, cluster mode without nodes, and bad nodes', () => {
    expect(problems({ REDIS_URL: nodes })).toEqual([
      'REDIS_URL: lists several nodes; set REDIS_CLUSTER=true for a Redis Cluster',
    ]);
    expect(problems({ REDIS_CLUSTER: 'true', QUEUE_PREFIX: '{x}' })).toEqual([
      'REDIS_URL: REDIS_CLUSTER=true needs REDIS_URL listing cluster nodes',
    ]);
    expect(
      problems({ REDIS_URL: 'redis://127.0.0.1:7000,nohost', REDIS_CLUSTER: 'true', QUEUE_PREFIX: '{x}' }),
    ).toHaveLength(1);
    expect(problems({ REDIS_CLUSTER: 'maybe' })).toHaveLength(1);
  });

  it('reads node lists: credentials and scheme from the first entry, bare host:port after it', () => {
    const target = parseRedisTarget(
      'cluster+rediss://app:s%40cret@10.0.0.1:7000,10.0.0.2:7001,redis://[::1]:7002',
    );
    expect(target).toMatchObject({ cluster: true, username: 'app', password: 's@cret', tls: true });
    expect(target.nodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(parseRedisTarget('redis://127.0.0.1:6379')).toMatchObject({
      cluster: false,
      url: 'redis://127.0.0.1:6379',
    });
    expect([hasHashTag('{ipn}'), hasHashTag('a{b}c'), hasHashTag('{}x'), hasHashTag('x}{y}')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });

  it('prints one clear line and exits 2 when a gateway starts with an untagged prefix', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        REDIS_URL: nodes,
        REDIS_CLUSTER: 'true',
        QUEUE_PREFIX: 'ipn-gateway',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config error: QUEUE_PREFIX: .*hash tag such as "\{ipn-gateway\}"/);
  }, 30_000);
});

describe.skipIf(!hasRedisServer())('a gateway on a real 3-node Redis Cluster', () => {
  let cluster: LocalCluster;
  let database: TestDatabase;
  let gateway: TestGateway;
  let steady: RecordingServer;
  let flaky: RecordingServer;
  let paypal: FakePaypal;
  const prefix = `{ipn-test-${randomBytes(4).toString('hex')}}`;

  beforeAll(async () => {
    cluster = await startLocalCluster();
    database = await createTestDatabase();
    paypal = await startFakePaypal();
    gateway = await startTestGateway(
      testConfig(database, {
        REDIS_URL: cluster.nodeList,
        REDIS_CLUSTER: 'true',
        QUEUE_PREFIX: prefix,
        DELIVERY_RETRY_SCHEDULE: '200ms,200ms',
        PAYPAL_VERIFY_URL: `${paypal.url}/cgi-bin/webscr`,
      }),
      database,
    );
    steady = await startRecordingServer(() => ({ status: 200 }));
    flaky = await startRecordingServer((_request, index) =>
      index === 0 ? { status: 503 } : { status: 204 },
    );
    await createSubscriber(gateway.url, { url: steady.url });
    await createSubscriber(gateway.url, { url: flaky.url });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close(); // its key clean-up targets the default Redis: nothing of ours is there
    await steady?.close();
    await flaky?.close();
    await paypal?.close();
    await database?.drop();
    await cluster?.stop();
  });

  it('ingests, delivers and retries through the cluster', async () => {
    expect(gateway.redisUrl).toBe(`cluster+${cluster.nodeList}`);
    const refno = '410000001';
    const response = await gateway.post('/ipn/2checkout', twocheckoutIpn(refno));
    expect(response.status).toBe(200);

    const first = await waitFor(() => steady.received[0], { what: 'delivery to the steady subscriber' });
    expect(JSON.parse(first.body.toString()).data.transaction_id).toBe(refno);

    // The flaky subscriber answered 503 once; the retry (a delayed job in the cluster) succeeds.
    await waitFor(() => flaky.received.length >= 2, { what: 'the retry', timeoutMs: 20_000 });
    const [failed, retried] = flaky.received;
    expect(failed?.headers['webhook-id']).toBe(retried?.headers['webhook-id']);
    const rows = await waitFor(
      async () => {
        const list = await apiJson<{ data: { status: string; attempt_count: number }[] }>(
          gateway.url,
          '/deliveries',
        );
        return list.data.length === 2 && list.data.every((row) => row.status === 'succeeded')
          ? list.data
          : undefined;
      },
      { what: 'both deliveries to succeed' },
    );
    expect(rows.map((row) => row.attempt_count).sort()).toEqual([1, 2]);

    // A PayPal IPN goes through the verify queue first, then delivery.
    expect((await gateway.post('/ipn/paypal', paypalIpn('CLUSTER0000000001'))).status).toBe(200);
    const verified = await waitFor(
      () =>
        steady.received.find(
          (request) => JSON.parse(request.body.toString()).data.transaction_id === 'CLUSTER0000000001',
        ),
      { what: 'the verified PayPal event at the subscriber', timeoutMs: 20_000 },
    );
    expect(verified).toBeDefined();
    expect(paypal.received).toHaveLength(1);

    // The queues really live in the cluster: BullMQ's keys sit on the node owning the tag's slot.
    const client = cluster.client();
    try {
      await waitFor(() => client.status === 'ready', { what: 'the checking cluster client' });
      const perNode = await Promise.all(client.nodes('master').map((node) => node.keys(`${prefix}:*`)));
      const holding = perNode.filter((keys) => keys.length > 0);
      expect(holding).toHaveLength(1); // the hash tag keeps every key in one slot
      // At least the verification queue and a delivery queue (whatever their names).
      const queues = new Set(holding[0]?.map((key) => key.slice(prefix.length + 1).split(':')[0]));
      expect(queues.size).toBeGreaterThanOrEqual(2);
    } finally {
      client.disconnect();
    }
  }, 60_000);
});
