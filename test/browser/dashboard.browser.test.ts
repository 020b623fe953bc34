// The dashboard in a real headless Chromium: login, events, attempts, a failed delivery retried
// from the dashboard, subscribers added and removed. Screenshots go to test-artifacts/screenshots.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway, testConfig } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { signedIpn } from '../support/twocheckout-signing';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = path.resolve('test-artifacts/screenshots');
// The whole file has this budget; any single browser step gives up much sooner.
const FILE_BUDGET_MS = 120_000;
const STEP_TIMEOUT_MS = 15_000;
const REFNO = '88800001';

describe('dashboard in Chromium', { timeout: FILE_BUDGET_MS }, () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let subscriber: RecordingServer;
  let browser: Browser;
  let page: Page;

  const open = (pathname: string) => page.goto(`${gateway.url}${pathname}`);
  const screenshot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH.`,
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database, { DELIVERY_RETRY_SCHEDULE: '50ms' }), database);
    subscriber = await startRecordingServer(() => ({ status: 500, body: 'internal error: ledger offline' }));
    await createSubscriber(gateway.url, { url: subscriber.url, description: 'ledger (failing)' });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await subscriber?.close();
    await database?.drop();
  });

  it('redirects to the login page and signs in with the admin token', async () => {
    await open('/dashboard');
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.fill('input[name=token]', 'wrong');
    await page.click('button[type=submit]');
    await page.getByText('That is not the admin token.').waitFor();
    await screenshot('login');
    await page.fill('input[name=token]', TEST_ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${gateway.url}/dashboard`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('shows a posted 2Checkout notification in the event list', async () => {
    expect((await gateway.post('/ipn/2checkout', signedIpn(REFNO))).status).toBe(200);
    await open('/dashboard/events');
    const row = page.locator('[data-testid=events-table] tbody tr', { hasText: REFNO });
    await row.waitFor();
    expect(await row.textContent()).toContain('2checkout');
    await screenshot('events');
  });

  it('opens the event and sees its delivery attempts fail', async () => {
    await page
      .locator('[data-testid=events-table] tbody tr', { hasText: REFNO })
      .getByRole('link')
      .first()
      .click();
    await page.getByRole('heading', { name: 'Event JSON (as sent to subscribers)' }).waitFor();
    expect(await page.textContent('[data-testid=event-json]')).toContain(`"transaction_id": "${REFNO}"`);
    // Two attempts (one retry of 50 ms), then failed: reached by reload or by the 5 s auto-refresh.
    await page.locator('[data-testid=delivery][data-status=failed]').waitFor();
    expect(await page.locator('[data-testid=attempt]').count()).toBe(2);
    expect(await page.textContent('[data-testid=delivery]')).toContain('ledger offline');
    await screenshot('event-detail');
  });

  it('retries the failed delivery from the Deliveries page and watches it succeed', async () => {
    await open('/dashboard/deliveries');
    const failedRow = page.locator('[data-testid=delivery-row][data-status=failed]');
    await failedRow.waitFor();
    await screenshot('deliveries');
    subscriber.respondWith(() => ({ status: 200, body: 'ok' }));
    await open('/dashboard/deliveries?status=all');
    await page.locator('[data-testid=delivery-row][data-status=failed] [data-testid=retry]').click();
    await page.getByText(/Retry of dlv_\w+ queued/).waitFor();
    // The page refreshes itself every 5 s until the new attempt has landed.
    await page.locator('[data-testid=delivery-row][data-status=succeeded]').waitFor();
    expect(subscriber.received).toHaveLength(3);
    await screenshot('deliveries-after-retry');
  });

  it('adds a subscriber through the form, sees its secret once, and removes it', async () => {
    await open('/dashboard/subscribers');
    const form = page.locator('[data-testid=add-subscriber]');
    await form.locator('input[name=url]').fill('https://crm.internal.example/hooks/payments');
    await form.locator('input[name=description]').fill('CRM');
    await form.locator('input[name=event_types]').fill('payment.*');
    await form.locator('input[name=providers][value="2checkout"]').check();
    await form.getByRole('button', { name: 'Add subscriber' }).click();
    const secret = await page.textContent('[data-testid=secret]');
    expect(secret).toMatch(/^whsec_/);
    const row = page.locator('[data-testid=subscriber-row]', { hasText: 'crm.internal.example' });
    await row.waitFor();
    await screenshot('subscribers');

    await row.getByRole('link', { name: 'Remove' }).click();
    await page.getByRole('heading', { name: 'Remove subscriber?' }).waitFor();
    await page.click('[data-testid=confirm-remove]');
    await page.getByText('Removed https://crm.internal.example/hooks/payments.').waitFor();
    expect(
      await page.locator('[data-testid=subscriber-row]', { hasText: 'crm.internal.example' }).count(),
    ).toBe(0);
  });

  it('lists inbound messages with the rejected one and its reason', async () => {
    expect((await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-tampered.txt'))).status).toBe(400);
    await open('/dashboard/messages');
    const rejected = page.locator('[data-testid=message-row][data-status=rejected]');
    await rejected.waitFor();
    expect(await rejected.textContent()).toMatch(/does not match/);
    await screenshot('messages');
    await rejected.getByRole('link').last().click();
    await page.locator('[data-testid=raw-base64]').waitFor();
    await screenshot('message-detail');
  });

  it('shows the overview with the day so far', async () => {
    await open('/dashboard');
    await page.getByText('Provider endpoints').waitFor();
    expect(await page.textContent('main')).toContain(`${gateway.url}/ipn/2checkout`);
    await screenshot('overview');
  });
});
