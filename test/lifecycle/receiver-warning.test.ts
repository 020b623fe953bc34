// Live mode without PAYPAL_RECEIVER_EMAILS: the gateway starts, warns naming the variable at
// each start, and the dashboard overview shows the same warning.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { configurationWarnings } from '../../src/config/warnings';
import { loginToDashboard, textOf } from '../support/dashboard-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';

describe('PayPal receiver warning', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let logs = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, done) {
          logs += chunk.toString();
          done();
        },
      }),
    );
    gateway = await startTestGateway(testConfig(database, { PAYPAL_MODE: 'live' }), database, logger);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('logs a warning naming PAYPAL_RECEIVER_EMAILS at start', () => {
    expect(logs).toMatch(/"level":40.*PAYPAL_RECEIVER_EMAILS is not set in live mode/);
  });

  it('shows it on the dashboard overview', async () => {
    const dashboard = await loginToDashboard(gateway.url);
    const overview = await dashboard.get('/dashboard');
    expect(overview.html).toContain('data-testid="config-warning"');
    expect(textOf(overview.html)).toContain('PAYPAL_RECEIVER_EMAILS is not set in live mode');
  });

  it('is not given in sandbox mode, with a receiver list, or without PayPal', () => {
    expect(configurationWarnings(loadConfig({ PAYPAL_MODE: 'sandbox' }))).toEqual([]);
    expect(configurationWarnings(loadConfig({ PAYPAL_RECEIVER_EMAILS: 'shop@example.com' }))).toEqual([]);
    expect(
      configurationWarnings(loadConfig({ PROVIDERS: '2checkout', TWOCHECKOUT_SECRET_KEY: 'k' })),
    ).toEqual([]);
    expect(configurationWarnings(loadConfig({}))).toHaveLength(1);
  });
});
