// Composition root: builds the shared parts from the configuration, then starts the roles ROLE
// asks for (HTTP server, workers, or both).
import { sql } from 'drizzle-orm';
import { resolveAdminToken } from './admin-token';
import type { Config } from './config/config';
import { configurationWarnings } from './config/warnings';
import { type DbHandle, openPglite, openPostgres } from './db/client';
import { RetentionWorker } from './lifecycle/retention';
import { createLogger, type Logger } from './logger';
import { backlogAges } from './metrics/backlog';
import { GatewayMetrics } from './metrics/metrics';
import {
  buildProviderInstances,
  type EndpointHint,
  type ProviderInstance,
} from './providers/provider-instances';
import { JobDispatcher } from './queue/dispatcher';
import { deliveryQueueName, VERIFY_QUEUE } from './queue/jobs';
import type { Reconciler } from './queue/reconciler';
import { createProducerConnection } from './queue/redis';
import { resolveRedis } from './queue/redis-server';
import { bounded, type GatewayContext, SHUTDOWN_STEP_MS } from './roles/context';
import { type HttpServerRole, type LocalWork, startHttpServer } from './roles/http-server';
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
  /** The worker role's parts, when this process runs it. */
  workers: WorkerRole | null;
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
  if (config.databaseUrl) {
    return openPostgres({ url: config.databaseUrl, preparedStatements: config.databasePreparedStatements });
  }
  return openPglite(config.dataDir);
}

/** What a ROLE=all process's server hands to its own workers in memory. */
function localWork(workers: WorkerRole): LocalWork {
  const { verifier } = workers;
  return {
    lanes: workers.lanes,
    checkLocally: verifier && ((messages) => verifier.offer(messages)),
    firstCheckHoldMs: verifier?.localHoldMs ?? 0,
  };
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
  const dispatcher = new JobDispatcher(producer, config.queuePrefix, logger);
  // The verify queue and each current subscriber's delivery queue.
  const queueCounts = async () => {
    const subscribers = await db.rows<{ id: string }>(
      sql`select id from subscribers where deleted_at is null order by id`,
    );
    const names = [VERIFY_QUEUE, ...subscribers.map((row) => deliveryQueueName(row.id))];
    const counts: Record<string, Record<string, number>> = {};
    for (const name of names) {
      counts[name] = await dispatcher.queue(name).getJobCounts('waiting', 'delayed', 'active', 'failed');
    }
    return counts;
  };
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
    dispatcher,
    metrics: new GatewayMetrics(queueCounts, () => backlogAges(db)),
    queueCounts,
  };

  // Workers first: with both roles in one process, the server hands first attempts straight to
  // the delivery lanes instead of through Redis, most of them claimed by the ingest statement, and
  // first checks of messages straight to the verifier.
  const workers: WorkerRole | null = config.role === 'server' ? null : await startWorkerRole(context);
  const server: HttpServerRole | null =
    config.role === 'worker' ? null : await startHttpServer(context, workers && localWork(workers));
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
      await bounded(context.network.close(), SHUTDOWN_STEP_MS);
      await bounded(context.dispatcher.drain(), SHUTDOWN_STEP_MS);
      await bounded(context.dispatcher.close(), SHUTDOWN_STEP_MS);
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
    workers,
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
