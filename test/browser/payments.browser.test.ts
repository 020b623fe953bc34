// The Payments pages in a real headless Chromium: search a payment by customer email, open it,
// and see its timeline with a superseded event. The screenshot of the payment page is the one
// in docs/screenshots/payment-detail.png.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import {
  startTestGateway,
  TEST_ADMIN_TOKEN,
  type TestGateway,
  testConfig,
  waitFor,
} from '../support/gateway';
import { storedMessages } from '../support/messages';
import { paypalIpn } from '../support/payments';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'];
const SCREENSHOTS = path.resolve('test-artifacts/screenshots');
const FILE_BUDGET_MS = 120_000;
const STEP_TIMEOUT_MS = 15_000;
const TXN = '9KX04567AB1234567';
const EMAIL = 'marta.kowalska@example.pl';

describe('payments in Chromium', { timeout: FILE_BUDGET_MS }, () => {
  let database: TestDatabase;
  let paypal: FakePaypal;
  let gateway: TestGateway;
  let subscriber: RecordingServer;
  let browser: Browser;
  let page: Page;

  async function postPaypal(body: string): Promise<void> {
    const count = (await storedMessages(gateway.db)).length;
    expect((await gateway.post('/ipn/paypal', body)).status).toBe(200);
    await waitFor(async () => {
      const messages = await storedMessages(gateway.db);
      return messages.length > count && messages.every((message) => message.status !== 'pending');
    });
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH))
      throw new Error(`Chromium not found at ${CHROMIUM_PATH}: set CHROMIUM_PATH.`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await createTestDatabase();
    paypal = await startFakePaypal();
    subscriber = await startRecordingServer();
    gateway = await startTestGateway(testConfig(database, { PAYPAL_VERIFY_URL: paypal.url }), database);
    await createSubscriber(gateway.url, { url: subscriber.url, description: 'orders' });
    const ipn = (options: Omit<Parameters<typeof paypalIpn>[0], 'email' | 'invoice'>) =>
      paypalIpn({ ...options, email: EMAIL, invoice: 'INV-2026-0412' });
    await postPaypal(ipn({ txnId: TXN, status: 'Completed', gross: '120.00' }));
    await postPaypal(ipn({ txnId: TXN, status: 'Pending', gross: '120.00' }));
    await postPaypal(
      ipn({ txnId: '1RF11111AA1111111', parentTxnId: TXN, status: 'Refunded', gross: '-20.00' }),
    );
    await postPaypal(
      ipn({ txnId: '2RF22222BB2222222', parentTxnId: TXN, status: 'Refunded', gross: '-15.50' }),
    );
    await waitFor(() => subscriber.received.length === 3, { what: 'three deliveries' });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await paypal?.close();
    await subscriber?.close();
    await database?.drop();
  });

  it('finds the payment by customer email and shows its timeline', async () => {
    await page.goto(`${gateway.url}/dashboard/login`);
    await page.fill('input[name=token]', TEST_ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${gateway.url}/dashboard`);

    await page.getByRole('link', { name: 'Payments' }).click();
    await page.fill('input[name=q]', EMAIL);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: TXN }).click();
    await page.getByRole('heading', { name: `Payment ${TXN}` }).waitFor();

    const events = page.getByTestId('payment-event');
    expect(await events.count()).toBe(4);
    expect(await page.locator('[data-superseded="true"]').count()).toBe(1);
    await page.getByText('superseded · not delivered').waitFor();
    expect(await page.getByText('delivered 1/1').count()).toBe(3);
    expect(await page.getByText('35.50 USD').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'payment-detail.png'), fullPage: true });

    await page.getByRole('link', { name: 'payment.pending' }).click();
    await page.getByText('No subscriber matched this event when it arrived.').waitFor();
  });
});
