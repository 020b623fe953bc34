import { Hono } from 'hono';

export interface OpsDeps {
  database(): Promise<void>;
  redis(): Promise<void>;
  metrics(): Promise<{ contentType: string; body: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

async function check(probe: () => Promise<void>): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Unauthenticated operations endpoints: liveness, readiness, Prometheus metrics. */
export function opsRoutes(checks: OpsDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const [database, redis] = await Promise.all([check(checks.database), check(checks.redis)]);
    const ready = database === 'ok' && redis === 'ok';
    return c.json({ status: ready ? 'ready' : 'not ready', checks: { database, redis } }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const { contentType, body } = await checks.metrics();
    return c.body(body, 200, { 'content-type': contentType });
  });
  return app;
}
