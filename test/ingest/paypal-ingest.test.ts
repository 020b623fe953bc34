import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { answer, type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { fixture, fixtureNames, PAYPAL_FIXTURE_TYPES, PAYPAL_WINDOWS_1252_SAMPLE } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { type StoredMessage, storedEvents, storedMessages } from '../support/messages';

const isSandbox = (name: string) => /(^|&)test_ipn=1(&|$)/.test(fixture('paypal', name).toString());

const PREFIX = Buffer.from('cmd=_notify-validate&', 'ascii');

interface Setup {
  database: TestDatabase;
  paypal: FakePaypal;
  gateway: TestGateway;
}

async function setUp(overrides: Record<string, string> = {}): Promise<Setup> {
  const database = await createTestDatabase();
  const paypal = await startFakePaypal();
  const config = testConfig(database, { PAYPAL_VERIFY_URL: paypal.url, ...overrides });
  const gateway = await startTestGateway(config, database);
  return { database, paypal, gateway };
}

async function tearDown(setup: Setup | undefined) {
  await setup?.gateway.close();
  await setup?.paypal.close();
  await setup?.database.drop();
}

async function settled(gateway: TestGateway, messageId: string): Promise<StoredMessage> {
  return waitFor(
    async () => {
      const message = (await storedMessages(gateway.db)).find((candidate) => candidate.id === messageId);
      return message && message.status !== 'pending' ? message : undefined;
    },
    { what: `message ${messageId} to leave pending` },
  );
}

async function postIpn(
  gateway: TestGateway,
  body: string | Buffer,
): Promise<{ status: number; text: string; id: string }> {
  const before = new Set((await storedMessages(gateway.db)).map((message) => message.id));
  const response = await gateway.post('/ipn/paypal', body);
  const text = await response.text();
  const created = (await storedMessages(gateway.db)).find((message) => !before.has(message.id));
  if (!created) throw new Error('no message stored');
  return { status: response.status, text, id: created.id };
}

describe('PayPal IPN, live mode', () => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await setUp({ PAYPAL_MODE: 'live' });
  });
  afterAll(() => tearDown(setup));
  afterEach(() => setup.paypal.respondWith(() => answer.verified()));

  const liveFixtures = fixtureNames('paypal').filter((name) => !isSandbox(name));

  it('covers every live fixture in the README table', () => {
    expect(liveFixtures).toHaveLength(9);
    expect(fixtureNames('paypal').sort()).toEqual(Object.keys(PAYPAL_FIXTURE_TYPES).sort());
  });

  it.each(liveFixtures)('%s: 200 empty, exact postback, VERIFIED → expected event', async (name) => {
    const body = fixture('paypal', name);
    const postbacksBefore = setup.paypal.received.length;
    const { status, text, id } = await postIpn(setup.gateway, body);
    expect(status).toBe(200);
    expect(text).toBe('');
    const message = await settled(setup.gateway, id);
    expect(message.status).toBe('verified');
    const postback = setup.paypal.received[postbacksBefore];
    expect(postback?.body.equals(Buffer.concat([PREFIX, body]))).toBe(true);
    expect(postback?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(postback?.headers['user-agent']).toMatch(/ipn-gateway/);
    const event = (await storedEvents(setup.gateway.db)).find(
      (candidate) => candidate.id === message.event_id,
    );
    const payload = JSON.parse(event?.body ?? '{}');
    expect(payload.type).toBe(PAYPAL_FIXTURE_TYPES[name]);
    expect(payload.id).toBe(message.event_id);
    expect(payload.provider).toBe('paypal');
    expect(payload.livemode).toBe(true);
  });

  it('posts a windows-1252 body back byte for byte and decodes it only for the event', async () => {
    const { id } = await postIpn(setup.gateway, PAYPAL_WINDOWS_1252_SAMPLE);
    const message = await settled(setup.gateway, id);
    const postback = setup.paypal.received.at(-1);
    expect(
      postback?.body.equals(Buffer.concat([PREFIX, Buffer.from(PAYPAL_WINDOWS_1252_SAMPLE, 'latin1')])),
    ).toBe(true);
    expect(postback?.body.toString('latin1')).toContain('first_name=Ren%E9e');
    const event = (await storedEvents(setup.gateway.db)).find(
      (candidate) => candidate.id === message.event_id,
    );
    const payload = JSON.parse(event?.body ?? '{}');
    expect(payload.type).toBe('payment.pending');
    expect(payload.data.customer.first_name).toBe('Renée');
    expect(payload.raw.address_city).toBe('Montréal');
    expect(payload.data.reason).toBe('multi_currency');
  });

  it('posts a body with + in dates and emails back unchanged', async () => {
    const body = fixture('paypal', 'cart-2-items-completed.txt').toString().replace('txn_id=', 'txn_id=P');
    expect(body).toContain('payer_email=m.reyes%2Bshop%40example.com');
    expect(body).toMatch(/payment_date=[^&]*\+/);
    const { id } = await postIpn(setup.gateway, body);
    await settled(setup.gateway, id);
    expect(setup.paypal.received.at(-1)?.body.toString('latin1')).toBe(`cmd=_notify-validate&${body}`);
  });

  it('INVALID: message marked invalid, no event', async () => {
    setup.paypal.respondWith(() => answer.invalid());
    const eventsBefore = (await storedEvents(setup.gateway.db)).length;
    const body = fixture('paypal', 'web_accept-completed.txt').toString().replace('txn_id=4F', 'txn_id=XX');
    const { id } = await postIpn(setup.gateway, body);
    const message = await settled(setup.gateway, id);
    expect(message.status).toBe('invalid');
    expect(message.reason).toMatch(/INVALID/);
    expect(message.event_id).toBeNull();
    expect((await storedEvents(setup.gateway.db)).length).toBe(eventsBefore);
  });

  it('500, 500, then VERIFIED: retried, one event', async () => {
    const body = fixture('paypal', 'web_accept-completed.txt').toString().replace('txn_id=4F', 'txn_id=R5');
    const start = setup.paypal.received.length;
    setup.paypal.respondWith((_postback, index) =>
      index - start < 2 ? answer.serverError() : answer.verified(),
    );
    const { id } = await postIpn(setup.gateway, body);
    const message = await settled(setup.gateway, id);
    expect(message.status).toBe('verified');
    expect(setup.paypal.received.length - start).toBe(3);
    const events = (await storedEvents(setup.gateway.db)).filter((event) => event.id === message.event_id);
    expect(events).toHaveLength(1);
  });

  it('a redirect is not followed and not taken as a verdict', async () => {
    const body = fixture('paypal', 'web_accept-completed.txt').toString().replace('txn_id=4F', 'txn_id=RD');
    const start = setup.paypal.received.length;
    setup.paypal.respondWith((_postback, index) =>
      index === start ? { status: 302, body: 'VERIFIED' } : answer.verified(),
    );
    const { id } = await postIpn(setup.gateway, body);
    const message = await settled(setup.gateway, id);
    expect(message.status).toBe('verified');
    expect(setup.paypal.received.length - start).toBe(2);
    expect(setup.paypal.received.every((postback) => postback.method === 'POST')).toBe(true);
  });

  it('rejects a sandbox message (test_ipn=1) in live mode without a postback, still answering 200', async () => {
    const postbacksBefore = setup.paypal.received.length;
    const { status, id } = await postIpn(setup.gateway, fixture('paypal', 'seed-refunded.txt'));
    expect(status).toBe(200);
    const message = (await storedMessages(setup.gateway.db)).find((candidate) => candidate.id === id);
    expect(message?.status).toBe('rejected');
    expect(message?.reason).toMatch(/test_ipn/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(setup.paypal.received.length).toBe(postbacksBefore);
  });

  it('the same notification twice, and ten copies at once → one event, the rest duplicate', async () => {
    const body = fixture('paypal', 'web_accept-completed.txt').toString().replace('txn_id=4F', 'txn_id=D1');
    const first = await postIpn(setup.gateway, body);
    const firstMessage = await settled(setup.gateway, first.id);
    const second = await postIpn(setup.gateway, body);
    const secondMessage = (await storedMessages(setup.gateway.db)).find(
      (message) => message.id === second.id,
    );
    expect(second.status).toBe(200);
    expect(secondMessage?.status).toBe('duplicate');
    expect(secondMessage?.event_id).toBe(firstMessage.event_id);

    const concurrent = fixture('paypal', 'web_accept-completed.txt')
      .toString()
      .replace('txn_id=4F', 'txn_id=C9');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => setup.gateway.post('/ipn/paypal', concurrent)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    const copies = await waitFor(
      async () => {
        const rows = (await storedMessages(setup.gateway.db)).filter(
          (message) => message.raw_body.toString() === concurrent,
        );
        return rows.length === 10 && rows.every((row) => row.status !== 'pending') ? rows : undefined;
      },
      { what: 'ten copies to settle' },
    );
    expect(copies.filter((message) => message.status === 'verified')).toHaveLength(1);
    expect(copies.filter((message) => message.status === 'duplicate')).toHaveLength(9);
    expect(new Set(copies.map((message) => message.event_id)).size).toBe(1);
  });
});

describe('PayPal IPN, sandbox mode with a receiver allow-list', () => {
  let setup: Setup;
  beforeAll(async () => {
    // The receivers of the sandbox fixtures, in another case: the comparison ignores case.
    setup = await setUp({
      PAYPAL_MODE: 'sandbox',
      PAYPAL_RECEIVER_EMAILS:
        'USB_1329725429_biz@angelleye.com, yxw.2013.03@GMAIL.com,xxx.2013.03-facilitator@gmail.com',
    });
  });
  afterAll(() => tearDown(setup));

  const sandboxFixtures = fixtureNames('paypal').filter(isSandbox);

  it.each(sandboxFixtures)('%s → expected event type', async (name) => {
    const { id } = await postIpn(setup.gateway, fixture('paypal', name));
    const message = await settled(setup.gateway, id);
    expect(message.status).toBe('verified');
    const event = (await storedEvents(setup.gateway.db)).find(
      (candidate) => candidate.id === message.event_id,
    );
    const payload = JSON.parse(event?.body ?? '{}');
    expect(payload.type).toBe(PAYPAL_FIXTURE_TYPES[name]);
    expect(payload.livemode).toBe(false);
  });

  it('rejects a live message in sandbox mode', async () => {
    const { status, id } = await postIpn(setup.gateway, fixture('paypal', 'web_accept-completed.txt'));
    expect(status).toBe(200);
    const message = (await storedMessages(setup.gateway.db)).find((candidate) => candidate.id === id);
    expect(message?.status).toBe('rejected');
  });

  it('rejects a verified IPN for another receiver, and does not forward it', async () => {
    const body = fixture('paypal', 'seed-refunded.txt')
      .toString()
      .replace(/receiver_email=[^&]*/, 'receiver_email=stranger%40example.org')
      .replace(/business=[^&]*/, 'business=stranger%40example.org')
      .replace(/receiver_id=[^&]*/, 'receiver_id=STRANGER00001');
    const { id } = await postIpn(setup.gateway, body);
    const message = await settled(setup.gateway, id);
    expect(message.status).toBe('rejected');
    expect(message.reason).toMatch(/stranger@example\.org|STRANGER00001/);
    expect(message.event_id).toBeNull();
  });
});
