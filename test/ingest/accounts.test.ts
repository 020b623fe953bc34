// Several accounts per provider (docs/contract.md section 9): two 2Checkout accounts from ACCOUNTS_FILE beside the
// default one, each with its own endpoints and secret key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTwocheckoutMessages } from '../../providers/2checkout/simulator/send-twocheckout';
import { randomTwocheckoutIds } from '../../providers/2checkout/simulator/twocheckout-ids';
import { buildTwocheckoutMessage } from '../../providers/2checkout/simulator/twocheckout-message';
import { api, createSubscriber } from '../support/admin-client';
import { loginToDashboard, textOf } from '../support/dashboard-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  startTestGateway,
  type TestGateway,
  TWOCHECKOUT_TEST_KEY,
  testConfig,
  waitFor,
} from '../support/gateway';
import { storedEvents, storedMessages } from '../support/messages';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

const EU_KEY = 'EU-SECRET-KEY-0001';
const US_KEY = 'US-SECRET-KEY-0002';

let database: TestDatabase;
let gateway: TestGateway;
let dir: string;
let euOnly: RecordingServer;
let everyone: RecordingServer;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'ipn-gateway-accounts-'));
  const accountsFile = path.join(dir, 'accounts.json');
  writeFileSync(
    accountsFile,
    JSON.stringify({
      '2checkout': { 'shop-eu': { secret_key: { env: 'SHOP_EU_KEY' } }, 'shop-us': { secret_key: US_KEY } },
    }),
  );
  gateway = await startTestGateway(
    testConfig(database, { ACCOUNTS_FILE: accountsFile, SHOP_EU_KEY: EU_KEY }),
    database,
  );
  euOnly = await startRecordingServer();
  everyone = await startRecordingServer();
  await createSubscriber(gateway.url, { url: euOnly.url, accounts: ['shop-eu'] });
  await createSubscriber(gateway.url, { url: everyone.url });
});

afterAll(async () => {
  await gateway?.close();
  await euOnly?.close();
  await everyone?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function send(
  account: string,
  secretKey: string,
  type: 'payment.completed' | 'license.changed' = 'payment.completed',
) {
  return sendTwocheckoutMessages({
    gatewayUrl: gateway.url,
    type,
    count: 1,
    secretKey,
    algorithms: ['sha256'],
    account,
  }).then((results) => {
    const [result] = results;
    if (!result) throw new Error('nothing sent');
    return result;
  });
}

describe('two 2Checkout accounts', () => {
  it('serves every account on its own endpoints, GET included', async () => {
    for (const account of ['shop-eu', 'shop-us']) {
      expect((await fetch(`${gateway.url}/ipn/2checkout/${account}`)).status).toBe(200);
      expect((await fetch(`${gateway.url}/lcn/2checkout/${account}`)).status).toBe(200);
    }
    expect((await fetch(`${gateway.url}/ipn/2checkout/shop-xx`)).status).toBe(404);
  });

  it.each([
    ['shop-eu', EU_KEY],
    ['shop-us', US_KEY],
    ['default', TWOCHECKOUT_TEST_KEY],
  ])(
    '%s: verifies with its own key, answers with a receipt made with it, event carries the account',
    async (account, key) => {
      for (const type of ['payment.completed', 'license.changed'] as const) {
        const result = await send(account, key, type);
        expect(result.status).toBe(200);
        expect(result.receipt).toMatchObject({ ok: true });
        const message = (await storedMessages(gateway.db)).find((row) =>
          row.raw_body.equals(result.message.body),
        );
        expect(message?.status).toBe('verified');
        const event = (await storedEvents(gateway.db)).find((row) => row.id === message?.event_id);
        expect(JSON.parse(event?.body ?? '{}')).toMatchObject({ provider: '2checkout', account });
        const viaApi = (await (await api(gateway.url, 'GET', `/messages/${message?.id}`)).json()) as {
          account: string;
        };
        expect(viaApi.account).toBe(account);
      }
    },
  );

  it.each([
    ['shop-eu', US_KEY],
    ['shop-us', EU_KEY],
    ['shop-eu', TWOCHECKOUT_TEST_KEY],
    ['default', EU_KEY],
  ])("%s rejects a message signed with another account's key", async (account, key) => {
    const result = await send(account, key);
    expect(result.status).toBe(400);
    expect(result.receipt.ok).toBe(false);
    const message = (await storedMessages(gateway.db)).find((row) =>
      row.raw_body.equals(result.message.body),
    );
    expect(message?.status).toBe('rejected');
    expect(message?.event_id).toBeNull();
  });

  it('the accounts filter: a subscriber of shop-eu gets only shop-eu events', async () => {
    const eu = await send('shop-eu', EU_KEY);
    const us = await send('shop-us', US_KEY);
    const idOf = async (body: Buffer) =>
      (await storedMessages(gateway.db)).find((row) => row.raw_body.equals(body))?.event_id;
    const euEvent = await idOf(eu.message.body);
    const usEvent = await idOf(us.message.body);
    const ids = (server: RecordingServer) => server.received.map((request) => request.headers['webhook-id']);
    await waitFor(() => ids(everyone).includes(euEvent ?? '-') && ids(everyone).includes(usEvent ?? '-'), {
      what: 'both events at the unfiltered subscriber',
    });
    await waitFor(() => ids(euOnly).includes(euEvent ?? '-'), { what: 'the EU event at the EU subscriber' });
    expect(ids(euOnly)).not.toContain(usEvent);
    expect(
      euOnly.received.every((request) => JSON.parse(request.body.toString()).account === 'shop-eu'),
    ).toBe(true);
  });

  it('the API keeps the accounts filter and refuses a malformed account name with 422', async () => {
    const list = (await (await api(gateway.url, 'GET', '/subscribers')).json()) as {
      data: { accounts: string[] }[];
    };
    expect(list.data.map((subscriber: { accounts: string[] }) => subscriber.accounts)).toContainEqual([
      'shop-eu',
    ]);
    const bad = await api(gateway.url, 'POST', '/subscribers', {
      url: 'http://127.0.0.1:9/x',
      accounts: ['shop eu!'],
      enabled: false,
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { errors: unknown };
    expect(JSON.stringify(body.errors)).toMatch(/accounts/);
  });

  it('the dashboard overview lists every account endpoint; its subscriber form takes accounts', async () => {
    const dashboard = await loginToDashboard(gateway.url);
    const overview = textOf((await dashboard.get('/dashboard')).html);
    for (const path of [
      '/ipn/2checkout',
      '/lcn/2checkout',
      '/ipn/2checkout/shop-eu',
      '/lcn/2checkout/shop-eu',
      '/ipn/2checkout/shop-us',
      '/lcn/2checkout/shop-us',
      '/ipn/paypal',
    ]) {
      expect(overview).toContain(`${gateway.url}${path}`);
    }
    const bad = await dashboard.post('/dashboard/subscribers', {
      url: 'http://127.0.0.1:9/x',
      accounts: 'shop eu!',
    });
    expect(bad.status).toBe(422);
    expect(textOf(bad.html)).toContain('Not an account name');
    const added = await dashboard.post('/dashboard/subscribers', {
      url: 'http://127.0.0.1:9/us-only',
      accounts: 'shop-us',
      format: 'event',
    });
    expect(added.status).toBe(201);
    const list = (await (await api(gateway.url, 'GET', '/subscribers')).json()) as {
      data: { url: string; accounts: string[] }[];
    };
    expect(list.data.find((subscriber) => subscriber.url.endsWith('/us-only'))?.accounts).toEqual([
      'shop-us',
    ]);
  });

  it('payments are kept per account: one transaction id in two accounts is two payments', async () => {
    const refno = randomTwocheckoutIds().refno;
    for (const [account, secretKey] of [
      ['shop-eu', EU_KEY],
      ['shop-us', US_KEY],
    ] as const) {
      const message = buildTwocheckoutMessage({
        type: 'payment.completed',
        ids: { ...randomTwocheckoutIds(), refno },
        now: new Date(),
        secretKey,
        algorithms: ['sha256'],
      });
      const response = await gateway.post(`${message.path}/${account}`, message.body);
      expect(response.status).toBe(200);
    }
    const ambiguous = await api(gateway.url, 'GET', `/payments/2checkout/${refno}`);
    expect(ambiguous.status).toBe(409);
    for (const account of ['shop-eu', 'shop-us']) {
      const answer = await api(gateway.url, 'GET', `/payments/2checkout/${refno}?account=${account}`);
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { account: string; state: string }).account).toBe(account);
    }
  });
});
