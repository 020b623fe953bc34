// Composition root: builds the shared parts from the configuration, then starts the roles ROLE
// asks for (HTTP server, workers, or both).
import { Queue } from 'bullmq';
import { resolveAdminToken } from './admin-token';
import type { Config } from './config/config';
import { configurationWarnings } from './config/warnings';
import { type DbHandle, openPglite, openPostgres } from './db/client';
import { RetentionWorker } from './lifecycle/retention';
import { createLogger, type Logger } from './logger';
import { GatewayMetrics } from './metrics/metrics';
import {
  buildProviderInstances,
  type EndpointHint,
  type ProviderInstance,
} from './providers/provider-instances';
import { JobDispatcher } from './queue/dispatcher';
import { QUEUE_NAMES } from './queue/jobs';
import type { Reconciler } from './queue/reconciler';
import { createProducerConnection } from './queue/redis';
import { resolveRedis } from './queue/redis-server';
import { bounded, type GatewayContext, SHUTDOWN_STEP_MS } from './roles/context';
import { type HttpServerRole, startHttpServer } from './roles/http-server';
import { startWorkerRole, type WorkerRole } from './roles/workers';
import { resolveEncryptionKey } from './secrets/encryption-key-file';
import { sealStoredSecrets } from './secrets/seal-stored-secrets';
import { SecretBox } from './secrets/secret-box';
import { NetworkClient } from './verify/network-client';

export interface Gateway {
  config: Config;
  metrics: GatewayMetrics;
  logger: Logger;
  db: DbHandle;
  dispatcher: JobDispatcher;
  reconciler: Reconciler | null;
  /** The retention worker (null in a server-only process). */
  retention: RetentionWorker | null;
  providers: ProviderInstance[];
  /** Endpoints left off for want of a setting (the start-up hint). */
  endpointHints: EndpointHint[];
  adminToken: string;
  adminTokenGenerated: boolean;
  /** True when this start generated the ENCRYPTION_KEY kept under DATA_DIR. */
  encryptionKeyGenerated: boolean;
  secrets: SecretBox;
  /** Configuration warnings (also logged at start). */
  warnings: string[];
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

async function openDatabase(config: Config): Promise<DbHandle> {
  if (config.databaseUrl) return openPostgres({ url: config.databaseUrl });
  return openPglite(config.dataDir);
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = options.db ?? (await openDatabase(config));
  await db.migrate();
  const token = resolveAdminToken(config.adminToken, config.dataDir);
  const encryptionKey = resolveEncryptionKey(config.encryption.key, config.dataDir);
  const secrets = new SecretBox(
    encryptionKey.key,
    config.encryption.previousKey ? [config.encryption.previousKey] : [],
  );
  const sealing = await sealStoredSecrets(db, secrets);
  if (sealing.sealed > 0)
    logger.info({ subscribers: sealing.sealed }, 'sealed subscriber secrets under the current key');
  if (sealing.unreadable.length > 0) {
    // Deliveries to these fail (recorded) until every process shares one key.
    logger.error(
      { subscribers: sealing.unreadable, keyId: secrets.currentKeyId },
      'subscriber secrets are sealed with another key: give every process the same ENCRYPTION_KEY ' +
        '(and the old one as ENCRYPTION_KEY_PREVIOUS during a key rotation)',
    );
  }
  const warnings = configurationWarnings(config);
  for (const warning of warnings) logger.warn(warning);

  const redis = await resolveRedis(config.redisUrl, config.dataDir, logger);
  const producer = createProducerConnection(redis.url);
  producer.on('error', () => {}); // reported through readiness and the dispatcher's warnings
  const queueOptions = { connection: producer, prefix: config.queuePrefix };
  const queues = {
    verify: new Queue(QUEUE_NAMES.verify, queueOptions),
    delivery: new Queue(QUEUE_NAMES.delivery, queueOptions),
  };
  for (const queue of Object.values(queues)) queue.on('error', () => {});
  const queueCounts = async () => ({
    [QUEUE_NAMES.verify]: await queues.verify.getJobCounts('waiting', 'delayed', 'active', 'failed'),
    [QUEUE_NAMES.delivery]: await queues.delivery.getJobCounts('waiting', 'delayed', 'active', 'failed'),
  });
  const { instances, hints } = buildProviderInstances(config.providerConfig);
  const context: GatewayContext = {
    config,
    logger,
    db,
    providers: instances,
    network: new NetworkClient(),
    adminToken: token.token,
    secrets,
    warnings,
    redisUrl: redis.url,
    producer,
    dispatcher: new JobDispatcher(queues, logger),
    metrics: new GatewayMetrics(queueCounts),
    queueCounts,
  };

  const server: HttpServerRole | null = config.role === 'worker' ? null : await startHttpServer(context);
  const workers: WorkerRole | null = config.role === 'server' ? null : startWorkerRole(context);
  // Workers prune; a server-only process leaves that to them.
  const retention =
    config.role === 'server'
      ? null
      : new RetentionWorker({
          db,
          logger,
          retentionMs: config.retentionMs,
          intervalMs: config.retentionIntervalMs,
        });
  retention?.start();

  let stopping: Promise<void> | null = null;
  const stop = () => {
    // Every step is bounded: a dead Redis or database must not keep the process from exiting.
    stopping ??= (async () => {
      await bounded(server?.close(), SHUTDOWN_STEP_MS);
      await bounded(retention?.stop(), SHUTDOWN_STEP_MS);
      await workers?.close();
      await bounded(context.dispatcher.drain(), SHUTDOWN_STEP_MS);
      await bounded(Promise.all(Object.values(queues).map((queue) => queue.close())), SHUTDOWN_STEP_MS);
      producer.disconnect();
      await redis.stop();
      if (!options.db) await bounded(db.close(), SHUTDOWN_STEP_MS);
    })();
    return stopping;
  };

  return {
    config,
    metrics: context.metrics,
    logger,
    db,
    dispatcher: context.dispatcher,
    reconciler: workers?.reconciler ?? null,
    retention,
    providers: context.providers,
    endpointHints: hints,
    adminToken: token.token,
    adminTokenGenerated: token.generated,
    encryptionKeyGenerated: encryptionKey.generated,
    secrets,
    warnings,
    redisUrl: redis.url,
    url: server?.url ?? null,
    stop,
  };
}
