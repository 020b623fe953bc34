import { Hono } from 'hono';

export interface OpsDeps {
  database(): Promise<void>;
  /** Null when this role's readiness does not depend on Redis. */
  redis: (() => Promise<void>) | null;
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
    const redisProbe = checks.redis;
    const [database, redis] = await Promise.all([
      check(checks.database),
      redisProbe ? check(redisProbe) : Promise.resolve('not required'),
    ]);
    const ready = database === 'ok' && (redis === 'ok' || redisProbe === null);
    return c.json({ status: ready ? 'ready' : 'not ready', checks: { database, redis } }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const { contentType, body } = await checks.metrics();
    return c.body(body, 200, { 'content-type': contentType });
  });
  return app;
}
