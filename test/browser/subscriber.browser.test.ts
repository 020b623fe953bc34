// A subscriber's health in a real headless Chromium: the failing badge on the list, the
// subscriber's page, "Send test event" with its outcome. Screenshots go to test-artifacts/screenshots.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  startTestGateway,
  TEST_ADMIN_TOKEN,
  type TestGateway,
  testConfig,
  waitFor,
} from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { signedIpn } from '../support/twocheckout-signing';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'];
const SCREENSHOTS = path.resolve('test-artifacts/screenshots');

describe('subscriber health in Chromium', { timeout: 90_000 }, () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let failing: RecordingServer;
  let healthy: RecordingServer;
  let failingId: string;
  let browser: Browser;
  let page: Page;

  const screenshot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH))
      throw new Error(`Chromium not found at ${CHROMIUM_PATH}: set CHROMIUM_PATH.`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await createTestDatabase();
    gateway = await startTestGateway(
      testConfig(database, { DELIVERY_RETRY_SCHEDULE: '50ms,50ms,50ms,10m' }),
      database,
    );
    failing = await startRecordingServer(() => ({ status: 503, body: 'ledger offline' }));
    healthy = await startRecordingServer(() => ({ status: 200, body: 'ok' }));
    failingId = (await createSubscriber(gateway.url, { url: failing.url, description: 'ledger' })).id;
    await createSubscriber(gateway.url, {
      url: healthy.url,
      description: 'billing',
      rate_limit: 50,
      ordering: 'transaction',
      headers: { 'X-Api-Key': 'internal' },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await Promise.all([failing?.close(), healthy?.close()]);
    await database?.drop();
  });

  it('shows the failing badge, and the outcome of a test event on the subscriber page', async () => {
    expect((await gateway.post('/ipn/2checkout', signedIpn('96000001'))).status).toBe(200);
    await waitFor(
      async () =>
        (await apiCall<{ state: string }>(gateway.url, 'GET', `/subscribers/${failingId}`, undefined, 200))
          .state === 'failing',
      { what: 'the failing state' },
    );
    await page.goto(`${gateway.url}/dashboard/login`);
    await page.fill('input[name=token]', TEST_ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${gateway.url}/dashboard`);

    await page.goto(`${gateway.url}/dashboard/subscribers`);
    const row = page.locator(`[data-subscriber-id="${failingId}"]`);
    expect(await row.locator('[data-testid=subscriber-state]').getAttribute('data-state')).toBe('failing');
    await screenshot('subscribers-health');

    await row.getByRole('link', { name: failing.url }).click();
    await page.getByTestId('send-test').click();
    await page.getByTestId('ping-result').waitFor();
    expect(await page.getByTestId('ping-result').textContent()).toContain('Test event failed: 503');
    await screenshot('subscriber-detail');
  });
});
