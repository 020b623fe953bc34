// ROLE server (or all): provider endpoints, admin API, dashboard and operations endpoints.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { createAdminApi } from '../api/index';
import { createDashboard } from '../dashboard/index';
import { FirstDeliveries, type LocalLanes } from '../delivery/first-deliveries';
import { createApp } from '../http/app';
import { clientAddressResolver } from '../http/client-address';
import { applyConnectionLimits, serverTimeoutOptions } from '../http/connection-limits';
import { ingestRoutes } from '../http/ingest-routes';
import { opsRoutes } from '../http/ops-routes';
import type { FollowUps } from '../ingest/ingest';
import { IngestStore } from '../ingest/ingest-store';
import { subscriberOperations } from '../subscribers/subscriber-operations';
import { type CheckLocally, FirstChecks } from '../verify/first-checks';
import { runCheck } from '../verify/run-check';
import type { GatewayContext } from './context';

// A check made before answering a provider keeps its request waiting: bounded tighter than a
// worker's; what does not finish in time is stored and checked by a worker.
const INLINE_CHECK_TIMEOUT_MS = 10_000;

export interface HttpServerRole {
  url: string;
  close(): Promise<void>;
}

/** The worker side of a ROLE=all process, which the server hands first attempts and checks to. */
export interface LocalWork {
  lanes: LocalLanes;
  /** Null when no provider checks messages out of band. */
  checkLocally: CheckLocally | null;
  /** The longest a local first check may keep its message (MessageVerifier.localHoldMs; 0 without one). */
  firstCheckHoldMs: number;
}

function buildApp(context: GatewayContext, local: LocalWork | null) {
  const lanes = local?.lanes ?? null;
  const { config, db, logger, dispatcher, metrics, providers, adminToken, producer, network, secrets } =
    context;
  const providerIds = config.providerConfig.known.map((plugin) => plugin.id);
  const firstChecks = new FirstChecks(dispatcher, local?.checkLocally ?? null);
  const firstDeliveries = new FirstDeliveries(
    dispatcher,
    lanes ? (deliveries) => lanes.offer(deliveries) : null,
  );
  const followUps: FollowUps = {
    checkFirst: (message) => firstChecks.add(message),
    deliver: (deliveries) => firstDeliveries.add(deliveries),
  };
  const endpoints = providers.flatMap((provider) =>
    provider.endpoints.map((endpoint) => ({
      provider: provider.provider,
      account: provider.account,
      kind: endpoint.kind,
      path: endpoint.path,
    })),
  );

  const clientAddress = clientAddressResolver(config.trustProxy);
  const operations = subscriberOperations({
    db,
    dispatcher,
    timeoutMs: config.delivery.timeoutMs,
    retentionMs: config.retentionMs,
    secrets,
  });
  const providerEndpoints = ingestRoutes({
    deps: {
      store: new IngestStore(db, config.storeTimeoutMs, {
        maxBatchBytes: config.ingestBatchBytes,
        preclaim: lanes ? () => lanes.preclaim() : null,
        firstCheckHoldMs: local?.firstCheckHoldMs ?? 0,
      }),
      checkNow: (instance, message) =>
        instance.verifier
          ? runCheck(instance.verifier, { ...message, account: instance.account }, network, {
              timeoutMs: INLINE_CHECK_TIMEOUT_MS,
            })
          : Promise.resolve({ step: 'retry', reason: 'no verifier' }),
      logger,
      followUps,
      maxBodyBytes: config.maxBodyBytes,
      metrics,
    },
    providers,
    clientAddress,
  });
  const app = createApp(logger, providerEndpoints);
  app.route(
    '/',
    opsRoutes({
      database: () => db.ping(),
      // Ingest keeps acknowledging without Redis (PostgreSQL holds the work), so a server is
      // ready on PostgreSQL alone; a worker needs both.
      redis: config.role === 'server' ? null : async () => void (await producer.ping()),
      metrics: () => metrics.render(),
    }),
  );
  app.route('/api', createAdminApi({ db, dispatcher, adminToken, secrets, logger, providerIds, operations }));
  app.route(
    '/dashboard',
    createDashboard({
      db,
      dispatcher,
      adminToken,
      secrets,
      logger,
      providerIds,
      endpoints,
      queueCounts: context.queueCounts,
      metrics,
      clientAddress,
      warnings: context.warnings,
      operations,
    }),
  );
  return { app, operations };
}

export function startHttpServer(
  context: GatewayContext,
  /** This process's workers (ROLE=all): first attempts and checks go to them in memory. */
  local: LocalWork | null = null,
): Promise<HttpServerRole> {
  const { config } = context;
  const { app, operations } = buildApp(context, local);
  return new Promise((resolve) => {
    const server: ServerType = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        serverOptions: serverTimeoutOptions(config.http),
      },
      (info: AddressInfo) => {
        const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
        resolve({
          url: `http://${host}:${info.port}`,
          close: async () => {
            await new Promise<void>((closed) => {
              server.close(() => closed());
              if ('closeIdleConnections' in server) server.closeIdleConnections();
            });
            await operations.close();
          },
        });
      },
    );
    applyConnectionLimits(server as Server, config.http, (count) =>
      context.logger.warn({ count }, 'connections refused: too many open at once from one address'),
    );
  });
}
