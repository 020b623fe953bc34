// Ingest floor: a bare Hono endpoint that stores the raw body with one INSERT (postgres.js, same
// pool size as the gateway's) and answers 200. Run as a child process, like the gateway.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');
const sql = postgres(databaseUrl, {
  max: 10,
  onnotice: () => {},
  connection: { application_name: 'baseline-ingest' },
});
await sql`create table if not exists raw_notifications (
  id bigserial primary key, received_at timestamptz not null default now(), body bytea not null)`;

const app = new Hono();
app.post('/ingest', async (c) => {
  const body = Buffer.from(await c.req.arrayBuffer());
  await sql`insert into raw_notifications (body) values (${body})`;
  return c.body(null, 200);
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`baseline ingest listening on http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => {
  server.close();
  void sql.end({ timeout: 2 }).finally(() => process.exit(0));
});
