import { existsSync } from 'node:fs';
import { DEFAULT_ACCOUNT } from './config/accounts-file';
import { ConfigError, loadConfig } from './config/config';
import { disabledProviderHints } from './disabled-providers';
import { type Gateway, startGateway } from './gateway';
import { RedisUnavailableError } from './queue/redis-server';

function loadDotEnv(): void {
  // A .env file may supply settings; variables already in the environment win.
  if (existsSync('.env')) process.loadEnvFile('.env');
}

/** Each endpoint of each account, then what is off and the variable that turns it on. */
function endpointLines(gateway: Gateway, url: string): string[] {
  const lines: string[] = [];
  for (const provider of gateway.providers) {
    const account = provider.account === DEFAULT_ACCOUNT ? '' : ` (${provider.account})`;
    for (const endpoint of provider.endpoints)
      lines.push(`  ${provider.provider} ${endpoint.kind}${account}: ${url}${endpoint.path}`);
  }
  for (const hint of gateway.endpointHints) {
    const account = hint.account === DEFAULT_ACCOUNT ? '' : ` (${hint.account})`;
    lines.push(`  ${hint.provider} ${hint.kind}${account}: off until ${hint.variable} is set`);
  }
  for (const hint of disabledProviderHints(gateway.config.providerConfig.disabled)) lines.push(`  ${hint}`);
  return lines;
}

async function main(): Promise<void> {
  loadDotEnv();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`config error: ${problem}`);
      process.exit(2);
    }
    throw error;
  }

  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway(config);
  } catch (error) {
    if (error instanceof RedisUnavailableError) {
      console.error(`ipn-gateway cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const { logger } = gateway;
  const lines = [
    `ipn-gateway started (role ${config.role}, ${gateway.db.kind} database, Redis ${gateway.redisUrl})`,
  ];
  if (gateway.url) {
    lines.push(...endpointLines(gateway, gateway.url));
    lines.push(`  dashboard: ${gateway.url}/dashboard`);
    lines.push(`  admin API: ${gateway.url}/api (reference: ${gateway.url}/api/docs)`);
    lines.push(
      `  health: ${gateway.url}/healthz  readiness: ${gateway.url}/readyz  metrics: ${gateway.url}/metrics`,
    );
  }
  if (gateway.adminTokenGenerated)
    lines.push(`  admin token (generated, kept under DATA_DIR): ${gateway.adminToken}`);
  if (gateway.encryptionKeyGenerated)
    lines.push(
      '  encryption key for subscriber secrets: generated under DATA_DIR (back it up with the database)',
    );
  for (const warning of gateway.warnings) lines.push(`  WARNING: ${warning}`);
  console.log(lines.join('\n'));

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing in-flight work');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    gateway.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  console.error('ipn-gateway failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
