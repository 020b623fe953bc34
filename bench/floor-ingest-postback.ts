// The ingest floor plus the work PayPal's protocol itself asks for, with no gateway logic: store
// the body (one INSERT) and answer 200, then post it back to VERIFY_URL (undici's dispatcher on a
// keep-alive pool, the cheapest client we know) and record the answer with one UPDATE. Printed
// beside row (b) as what the same exchanges cost this machine when nothing else is done.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';
import { Agent } from 'undici';

const databaseUrl = process.env.DATABASE_URL;
const verifyUrl = process.env.VERIFY_URL;
if (!databaseUrl || !verifyUrl) throw new Error('DATABASE_URL and VERIFY_URL are required');
const sql = postgres(databaseUrl, {
  max: 10,
  onnotice: () => {},
  connection: { application_name: 'baseline-ingest-postback' },
});
await sql`create table if not exists raw_notifications (
  id bigserial primary key, received_at timestamptz not null default now(), body bytea not null, verdict text)`;

const agent = new Agent({ connections: 32, keepAliveTimeout: 30_000 });
const target = new URL(verifyUrl);
const COMMAND = Buffer.from('cmd=_notify-validate&');
let failures = 0;

function postBack(body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    agent.dispatch(
      {
        origin: target.origin,
        path: target.pathname,
        method: 'POST',
        body: Buffer.concat([COMMAND, body]),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'bench-floor' },
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      },
      {
        onRequestStart() {},
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          resolve(Buffer.concat(chunks).toString('latin1'));
        },
        onResponseError(_controller, error) {
          reject(error);
        },
      },
    );
  });
}

async function verify(id: string, body: Buffer): Promise<void> {
  const verdict = await postBack(body);
  await sql`update raw_notifications set verdict = ${verdict} where id = ${id}`;
}

const app = new Hono();
app.post('/ingest', async (c) => {
  const body = Buffer.from(await c.req.arrayBuffer());
  const [row] = await sql`insert into raw_notifications (body) values (${body}) returning id`;
  verify(String(row?.id), body).catch(() => failures++);
  return c.body(null, 200);
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`baseline ingest listening on http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => {
  console.log(`postback failures ${failures}`);
  server.close();
  void agent.close();
  void sql.end({ timeout: 2 }).finally(() => process.exit(0));
});
