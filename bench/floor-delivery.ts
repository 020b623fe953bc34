// Delivery floor: the least a gateway could do. A bare Hono endpoint takes the notification, adds
// a BullMQ job carrying its transaction id and answers 200; a BullMQ worker in the same process
// POSTs the event JSON (the gateway's own, captured earlier, with this id) to every subscriber
// in parallel through one keep-alive undici Agent. No database, no signatures, no bookkeeping.
import { serve } from '@hono/node-server';
import { Queue, Worker } from 'bullmq';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';

const { REDIS_URL, QUEUE_PREFIX, SUBSCRIBER_URLS, EVENT_JSON } = process.env;
if (!REDIS_URL || !QUEUE_PREFIX || !SUBSCRIBER_URLS || !EVENT_JSON) throw new Error('missing environment');
const concurrency = Number(process.env.CONCURRENCY ?? 64);
const subscribers = SUBSCRIBER_URLS.split(',');
const [before, after] = EVENT_JSON.split('__TRANSACTION_ID__') as [string, string];
// 2Checkout REFNO or PayPal txn_id: the ids the gateway copies into data.transaction_id.
const ID = /(?:^|&)(?:REFNO|txn_id)=([^&]*)/;

const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000, pipelining: 1 });
const producer = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const queue = new Queue<{ id: string }>('floor', { connection: producer, prefix: QUEUE_PREFIX });
const worker = new Worker<{ id: string }>(
  'floor',
  async (job) => {
    const body = `${before}${job.data.id}${after}`;
    await Promise.all(
      subscribers.map(async (url) => {
        const response = await request(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          dispatcher: agent,
        });
        await response.body.dump();
      }),
    );
  },
  {
    connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
    prefix: QUEUE_PREFIX,
    concurrency,
  },
);

const app = new Hono();
app.post('/ingest', async (c) => {
  const id = ID.exec(await c.req.text())?.[1] ?? '';
  await queue.add('post', { id }, { removeOnComplete: true, removeOnFail: true });
  return c.body(null, 200);
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`floor delivery listening on http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => {
  server.close();
  void Promise.allSettled([worker.close(), queue.close(), agent.close()]).finally(() => process.exit(0));
});
