// Composition root: builds every part from the configuration and starts what ROLE asks for.
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { PROVIDER_IDS, PROVIDER_PLUGINS } from '../providers/index';
import type { ConfiguredProvider, ProviderSettings } from '../providers/types';
import { resolveAdminToken } from './admin-token';
import { createAdminApi } from './api/index';
import { createDashboard } from './dashboard/index';
import type { Config } from './config/config';
import { type DbHandle, openPglite, openPostgres } from './db/client';
import { DeliveryWorker, observeAttempt } from './delivery/delivery-worker';
import { HttpSender } from './delivery/http-sender';
import { createApp } from './http/app';
import { ingestRoutes } from './http/ingest-routes';
import { opsRoutes } from './http/ops-routes';
import type { FollowUps, IngestDeps } from './ingest/ingest';
import { createLogger, type Logger } from './logger';
import { GatewayMetrics } from './metrics/metrics';
import { JobDispatcher } from './queue/dispatcher';
import { deliveryJob, deliveryJobSchema, QUEUE_NAMES, verifyJob, verifyJobSchema } from './queue/jobs';
import { Reconciler } from './queue/reconciler';
import { createProducerConnection } from './queue/redis';
import { resolveRedis } from './queue/redis-server';
import { startWorkers, type WorkerPool, type WorkerSpec } from './queue/workers';
import { PaypalVerifier } from './verify/paypal-verifier';

export interface Gateway {
  config: Config;
  metrics: GatewayMetrics;
  logger: Logger;
  db: DbHandle;
  dispatcher: JobDispatcher;
  reconciler: Reconciler | null;
  providers: ConfiguredProvider[];
  adminToken: string;
  adminTokenGenerated: boolean;
  redisUrl: string;
  /** Base URL of the HTTP server, when this role serves HTTP. */
  url: string | null;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  logger?: Logger;
  /** Use this database instead of opening one from the configuration (tests). */
  db?: DbHandle;
}

function providerSettings(config: Config): ProviderSettings {
  return {
    paypal: {
      mode: config.paypal.mode,
      verifyUrl: config.paypal.verifyUrl,
      receiverEmails: config.paypal.receiverEmails,
      userAgent: config.paypal.userAgent,
    },
    twocheckout: { secretKey: config.twocheckout.secretKey },
  };
}

export function configureProviders(config: Config): ConfiguredProvider[] {
  const settings = providerSettings(config);
  return PROVIDER_PLUGINS.filter((plugin) => config.providers.includes(plugin.id)).map((plugin) =>
    plugin.configure(settings),
  );
}

async function openDatabase(config: Config): Promise<DbHandle> {
  if (config.databaseUrl) return openPostgres({ url: config.databaseUrl });
  return openPglite(config.dataDir);
}

function listen(app: { fetch: (request: Request) => Response | Promise<Response> }, config: Config) {
  return new Promise<{ server: ServerType; url: string }>((resolve) => {
    const server = serve(
      { fetch: app.fetch, port: config.port, hostname: config.host },
      (info: AddressInfo) => {
        const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
        resolve({ server, url: `http://${host}:${info.port}` });
      },
    );
  });
}

const SHUTDOWN_STEP_MS = 5_000;
// A claimed delivery's lease (and BullMQ's job lock) outlasts the HTTP timeout by this much.
const LEASE_MARGIN_MS = 5_000;

/** Waits for `work`, but never longer than `ms`; failures are ignored (we are stopping anyway). */
async function bounded(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => {}),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = options.db ?? (await openDatabase(config));
  await db.migrate();
  const { token: adminToken, generated: adminTokenGenerated } = resolveAdminToken(
    config.adminToken,
    config.dataDir,
  );

  const providers = configureProviders(config);
  const redis = await resolveRedis(config.redisUrl, config.dataDir, logger);
  const producer: Redis = createProducerConnection(redis.url);
  producer.on('error', () => {}); // reported through readiness and the dispatcher's warnings
  const queueOptions = { connection: producer, prefix: config.queuePrefix };
  const queues = {
    verify: new Queue(QUEUE_NAMES.verify, queueOptions),
    delivery: new Queue(QUEUE_NAMES.delivery, queueOptions),
  };
  for (const queue of Object.values(queues)) queue.on('error', () => {});
  const dispatcher = new JobDispatcher(queues, logger);
  const queueCounts = async () => ({
    [QUEUE_NAMES.verify]: await queues.verify.getJobCounts('waiting', 'delayed', 'active', 'failed'),
    [QUEUE_NAMES.delivery]: await queues.delivery.getJobCounts('waiting', 'delayed', 'active', 'failed'),
  });
  const metrics = new GatewayMetrics(queueCounts);

  const followUps: FollowUps = {
    verifyMessage: (messageId, attempt) => dispatcher.enqueue('verify', [verifyJob(messageId, attempt)]),
    deliver: (deliveryIds) =>
      dispatcher.enqueue(
        'delivery',
        deliveryIds.map((id) => deliveryJob(id, 0, 'scheduled')),
      ),
  };

  let server: ServerType | null = null;
  let url: string | null = null;
  if (config.role !== 'worker') {
    const ingestDeps: IngestDeps = {
      db,
      logger,
      followUps,
      maxBodyBytes: config.maxBodyBytes,
      storeTimeoutMs: config.storeTimeoutMs,
      metrics,
    };
    const app = createApp(logger);
    app.route(
      '/',
      opsRoutes({
        database: () => db.ping(),
        redis: async () => void (await producer.ping()),
        metrics: () => metrics.render(),
      }),
    );
    app.route('/', ingestRoutes({ deps: ingestDeps, providers, trustProxy: config.trustProxy }));
    app.route('/api', createAdminApi({ db, dispatcher, adminToken, logger, providerIds: PROVIDER_IDS }));
    const endpoints = providers.flatMap((provider) =>
      provider.endpoints.map((endpoint) => ({ provider: provider.id, kind: endpoint.kind, path: endpoint.path })),
    );
    app.route(
      '/dashboard',
      createDashboard({
        db,
        dispatcher,
        adminToken,
        logger,
        providerIds: PROVIDER_IDS,
        endpoints,
        queueCounts,
        metrics,
      }),
    );
    ({ server, url } = await listen(app, config));
  }

  let workers: WorkerPool | null = null;
  let sender: HttpSender | null = null;
  let reconciler: Reconciler | null = null;
  if (config.role !== 'server') {
    const specs: WorkerSpec<unknown>[] = [];
    const paypal = providers.find((provider) => provider.deferredVerifier);
    if (paypal?.deferredVerifier) {
      const verifier = new PaypalVerifier({
        db,
        logger,
        dispatcher,
        providerId: paypal.id,
        verifier: paypal.deferredVerifier,
        timeoutMs: config.paypal.verifyTimeoutMs,
        retryScheduleMs: config.paypal.verifyRetryScheduleMs,
        metrics,
      });
      specs.push({
        queue: 'verify',
        concurrency: 16,
        lockDurationMs: config.paypal.verifyTimeoutMs + 30_000,
        parse: (data) => verifyJobSchema.parse(data),
        handle: (job) => verifier.handle(job as never),
      });
    }
    sender = new HttpSender(config.delivery.concurrency);
    const deliveryWorker = new DeliveryWorker({
      db,
      logger,
      dispatcher,
      sender,
      timeoutMs: config.delivery.timeoutMs,
      retryScheduleMs: config.delivery.retryScheduleMs,
      leaseMs: config.delivery.timeoutMs + LEASE_MARGIN_MS,
      onAttempt: (attempt, delivery) => observeAttempt(metrics, attempt, delivery),
    });
    specs.push({
      queue: 'delivery',
      concurrency: config.delivery.concurrency,
      lockDurationMs: config.delivery.timeoutMs + LEASE_MARGIN_MS,
      parse: (data) => deliveryJobSchema.parse(data),
      handle: (job) => deliveryWorker.handle(job as never),
    });
    workers = startWorkers(redis.url, config.queuePrefix, specs, logger);
    reconciler = new Reconciler({
      db,
      dispatcher,
      logger,
      intervalMs: config.reconcileIntervalMs,
      overdueAfterMs: config.reconcileIntervalMs,
    });
    reconciler.start();
  }

  let stopping: Promise<void> | null = null;
  const stop = () => {
    // Every step is bounded: a dead Redis or database must not keep the process from exiting.
    stopping ??= (async () => {
      if (server) await bounded(closeServer(server), SHUTDOWN_STEP_MS);
      await bounded(reconciler?.stop(), SHUTDOWN_STEP_MS);
      await workers?.close(config.delivery.timeoutMs + SHUTDOWN_STEP_MS);
      await bounded(sender?.close(), SHUTDOWN_STEP_MS);
      await bounded(dispatcher.drain(), SHUTDOWN_STEP_MS);
      await bounded(Promise.all(Object.values(queues).map((queue) => queue.close())), SHUTDOWN_STEP_MS);
      producer.disconnect();
      await redis.stop();
      if (!options.db) await bounded(db.close(), SHUTDOWN_STEP_MS);
    })();
    return stopping;
  };

  return {
    config,
    metrics,
    logger,
    db,
    dispatcher,
    reconciler,
    providers,
    adminToken,
    adminTokenGenerated,
    redisUrl: redis.url,
    url,
    stop,
  };
}
