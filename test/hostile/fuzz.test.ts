// Fuzz: at least 10,000 seeded hostile requests across every provider endpoint (enumerated from
// the provider registry), while normal traffic is served. Zero 5xx, zero crashes or error logs,
// every request stored (as a rejection, or accepted/pending when it happens to be well-formed)
// and answered 2xx or 4xx. Reproduce a run with FUZZ_SEED=<seed printed on failure>.
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_PLUGINS } from '../../providers/index';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { answer, type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { Dice, type FuzzRequest, hostileRequest, prng, seedCorpus } from '../support/fuzz';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';
import { twocheckoutMessage } from '../support/simulated';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const SLOW_REQUESTS = 40;
const CONCURRENCY = 12;
const MAX_BODY_BYTES = 65_536;
const TIME_BUDGET_MS = 75_000;

interface Outcome {
  endpoint: string;
  mutation: string;
  status: number;
}

/** Sends headers in pieces with pauses (a slow but finishing client), then the body. */
function slowRequest(url: string, path: string, body: Buffer, dice: Dice): Promise<number> {
  const { hostname, port } = new URL(url);
  const head = `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  const pieces: string[] = [];
  for (let at = 0; at < head.length; ) {
    const size = 1 + dice.int(12);
    pieces.push(head.slice(at, at + size));
    at += size;
  }
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)));
    socket.on('connect', async () => {
      for (const piece of pieces) {
        socket.write(piece);
        await new Promise((done) => setTimeout(done, 2 + dice.int(8)));
      }
      socket.write(body);
    });
  });
}

describe(`fuzz: ${REQUESTS} hostile requests (seed ${SEED})`, () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let paypal: FakePaypal;
  const errorLogs: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // Well-formed PayPal bodies are stored pending and posted back: PayPal says INVALID at once.
    paypal = await startFakePaypal(() => answer.invalid());
    const logger = pino(
      { level: 'error' },
      new Writable({
        write(chunk, _encoding, done) {
          errorLogs.push(chunk.toString());
          done();
        },
      }),
    );
    gateway = await startTestGateway(
      testConfig(database, {
        PAYPAL_MODE: 'sandbox',
        PAYPAL_VERIFY_URL: paypal.url,
        // Every endpoint on: the webhook one needs an id. A certificate would only ever be fetched
        // from here (nothing listens), never from the internet.
        PAYPAL_WEBHOOK_ID: 'WH-FUZZ',
        PAYPAL_WEBHOOK_CERT_URL_PREFIXES: 'http://127.0.0.1:9/',
        MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      }),
      database,
      logger,
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await paypal?.close();
    await database?.drop();
  });

  it('covers every endpoint of every registered provider', () => {
    // A new provider (or endpoint) must be enabled here, with test settings, so it is fuzzed too.
    const mounted = new Set(gateway.providers.flatMap((instance) => instance.endpoints.map((e) => e.path)));
    const declared = PROVIDER_PLUGINS.flatMap((plugin) => plugin.endpoints.map((endpoint) => endpoint.path));
    expect(declared.length).toBeGreaterThanOrEqual(3);
    expect(declared.filter((path) => !mounted.has(path))).toEqual([]);
  });

  it('answers every hostile request 2xx/4xx, stores each, never errs, and keeps serving', async () => {
    const dice = new Dice(prng(SEED));
    const corpus = seedCorpus(dice);
    const everySeed = Object.values(corpus).flat();
    const endpoints = gateway.providers.flatMap((instance) =>
      instance.endpoints.map((endpoint) => ({
        path: endpoint.path,
        seeds: corpus[`${instance.provider}:${endpoint.kind}`] ?? corpus[instance.provider] ?? everySeed,
      })),
    );
    expect(endpoints.length).toBeGreaterThanOrEqual(3);

    // The plan is drawn up front from the seed, so a run is reproducible whatever the timing.
    const plan: Array<FuzzRequest & { path: string }> = [];
    for (let index = 0; index < REQUESTS; index++) {
      const endpoint = endpoints[index % endpoints.length] as (typeof endpoints)[number];
      plan.push({ path: endpoint.path, ...hostileRequest(dice, endpoint.seeds, MAX_BODY_BYTES) });
    }

    // A request left unanswered fails the run (as a failure naming it) instead of hanging it.
    const agent = new Agent({
      connections: CONCURRENCY,
      pipelining: 1,
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    const outcomes: Outcome[] = [];
    const failures: string[] = [];
    const startedAt = Date.now();
    let next = 0;
    let fuzzing = true;

    const worker = async () => {
      while (next < plan.length && Date.now() - startedAt < TIME_BUDGET_MS) {
        const item = plan[next++] as (typeof plan)[number];
        try {
          const response = await request(`${gateway.url}${item.path}`, {
            method: 'POST',
            body: item.body,
            headers: {
              ...item.headers,
              ...(item.contentType === null ? {} : { 'content-type': item.contentType }),
            },
            dispatcher: agent,
          });
          await response.body.arrayBuffer();

          outcomes.push({ endpoint: item.path, mutation: item.mutation, status: response.statusCode });
        } catch (error) {
          failures.push(
            `${item.path} ${item.mutation} ${item.contentType} ${JSON.stringify(item.headers).slice(0, 300)}: ${(error as Error).message}`,
          );
        }
      }
    };
    const slow = async () => {
      const slowDice = new Dice(prng(SEED + 1));
      for (let index = 0; index < SLOW_REQUESTS; index++) {
        const endpoint = endpoints[index % endpoints.length] as (typeof endpoints)[number];
        const item = hostileRequest(slowDice, endpoint.seeds, MAX_BODY_BYTES);
        const status = await slowRequest(gateway.url, endpoint.path, item.body, slowDice);
        outcomes.push({ endpoint: endpoint.path, mutation: `slow headers, ${item.mutation}`, status });
      }
    };
    // Normal traffic meanwhile: a genuine 2Checkout IPN at a time, each must be accepted.
    const normal: number[] = [];
    const normalTraffic = async () => {
      while (fuzzing) {
        const message = twocheckoutMessage(normal.length);
        const response = await request(`${gateway.url}${message.path}`, {
          method: 'POST',
          body: message.body,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        const text = await response.body.text();
        normal.push(response.statusCode === 200 && text.startsWith('<sig') ? 200 : response.statusCode);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };

    const traffic = normalTraffic();
    await Promise.all([...Array.from({ length: CONCURRENCY }, worker), slow()]);
    fuzzing = false;
    await traffic;
    await agent.close();

    const byStatus: Record<number, number> = {};
    for (const outcome of outcomes) byStatus[outcome.status] = (byStatus[outcome.status] ?? 0) + 1;
    const report = `seed ${SEED}: ${outcomes.length} requests in ${Date.now() - startedAt} ms, statuses ${JSON.stringify(byStatus)}`;
    console.log(`fuzz ${report}`);

    expect(failures, report).toEqual([]);
    expect(outcomes.length, report).toBe(REQUESTS + SLOW_REQUESTS);
    const bad = outcomes.filter(
      (outcome) =>
        outcome.status >= 500 || outcome.status < 200 || (outcome.status >= 300 && outcome.status < 400),
    );
    expect(bad.slice(0, 10), report).toEqual([]);
    expect(normal.length).toBeGreaterThan(0);
    expect(
      normal.every((status) => status === 200),
      `normal traffic: ${JSON.stringify(normal)}`,
    ).toBe(true);

    // Every request is stored: rejected, or (well-formed) pending, verified or duplicate. Only those
    // Node's HTTP parser refuses before the gateway sees them (431 headers too large, 408) are not.
    const refusedByParser = outcomes.filter((outcome) => outcome.status === 431 || outcome.status === 408);
    const [stored] = await database.handle.rows<{ n: number }>(
      sql`select count(*)::int as n from inbound_messages`,
    );
    expect(stored?.n, report).toBe(outcomes.length - refusedByParser.length + normal.length);
    expect(errorLogs, 'error logs').toEqual([]);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  }, 120_000);
});
