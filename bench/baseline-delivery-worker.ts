// Delivery floor: a bare BullMQ worker whose job POSTs its JSON to the sink through one
// keep-alive undici Agent, as the gateway's sender does. Run as a child process.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';

const { REDIS_URL, QUEUE_PREFIX, QUEUE_NAME, SINK_URL } = process.env;
const concurrency = Number(process.env.CONCURRENCY ?? 64);
if (!REDIS_URL || !QUEUE_PREFIX || !QUEUE_NAME || !SINK_URL) throw new Error('missing environment');

interface PostJob {
  path: string;
  body: string;
}

const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000, pipelining: 1 });
const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const worker = new Worker<PostJob>(
  QUEUE_NAME,
  async (job) => {
    const response = await request(`${SINK_URL}${job.data.path}`, {
      method: 'POST',
      body: job.data.body,
      headers: { 'content-type': 'application/json' },
      dispatcher: agent,
      signal: AbortSignal.timeout(15_000),
    });
    await response.body.dump();
    if (response.statusCode >= 300) throw new Error(`HTTP ${response.statusCode}`);
  },
  { connection, prefix: QUEUE_PREFIX, concurrency },
);
console.log('baseline delivery worker started');

process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => agent.close())
    .finally(() => {
      connection.disconnect();
      process.exit(0);
    });
});
