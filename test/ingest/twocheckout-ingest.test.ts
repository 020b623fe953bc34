import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture, protocolDoc } from '../support/fixtures';
import { startTestGateway, type TestGateway, TWOCHECKOUT_TEST_KEY, testConfig } from '../support/gateway';
import { storedEvents, storedMessages } from '../support/messages';

const lp = (value: string) => `${Buffer.byteLength(value, 'utf8')}${value}`;
const hmac = (algorithm: string, data: string) =>
  createHmac(algorithm, TWOCHECKOUT_TEST_KEY).update(data, 'utf8').digest('hex');

/** Parses a receipt tag and recomputes its hash from the README rule. */
function checkReceipt(body: string, algorithm: 'md5' | 'sha256' | 'sha3-256', values: string[]) {
  let date: string;
  let hash: string;
  if (algorithm === 'md5') {
    const match = /^<EPAYMENT>(\d{14})\|([0-9a-f]{32})<\/EPAYMENT>$/.exec(body);
    expect(match, body).not.toBeNull();
    [, date, hash] = match as unknown as [string, string, string];
  } else {
    const match = /^<sig algo="([a-z0-9-]+)" date="(\d{14})">([0-9a-f]{64})<\/sig>$/.exec(body);
    expect(match, body).not.toBeNull();
    expect(match?.[1]).toBe(algorithm);
    [, , date, hash] = match as unknown as [string, string, string, string];
  }
  const now = new Date();
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  expect(Math.abs(Number(stamp) - Number(date))).toBeLessThan(100); // same minute, in UTC
  expect(hash).toBe(hmac(algorithm, [...values, date].map(lp).join('')));
}

const IPN_RECEIPT_VALUES = ['4589231', 'Café Pro Licence', '20261121115804'];

describe('2Checkout IPN and LCN endpoints', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('answers the URL check GET with 200 on both endpoints', async () => {
    for (const path of ['/ipn/2checkout', '/lcn/2checkout']) {
      const response = await fetch(`${gateway.url}${path}`);
      expect(response.status).toBe(200);
    }
  });

  it.each([
    ['ipn-complete-all-signatures.txt', 'sha3-256', 'payment.completed'],
    ['ipn-complete-md5-only.txt', 'md5', 'payment.completed'],
    ['ipn-complete-sha256-only.txt', 'sha256', 'payment.completed'],
  ] as const)('%s: receipt in %s, event %s', async (file, algorithm, type) => {
    const response = await gateway.post('/ipn/2checkout', fixture('2checkout', file));
    expect(response.status).toBe(200);
    checkReceipt(await response.text(), algorithm, IPN_RECEIPT_VALUES);
    const messages = await storedMessages(gateway.db);
    const message = messages.at(-1);
    expect(message?.raw_body.equals(fixture('2checkout', file))).toBe(true);
    const events = await storedEvents(gateway.db);
    const event = events.find((candidate) => candidate.id === message?.event_id);
    // The three files are the same order signed three ways: the first makes the event.
    expect(['verified', 'duplicate']).toContain(message?.status);
    expect(event?.type).toBe(type);
  });

  it('makes one event for the same order signed three ways', async () => {
    const events = (await storedEvents(gateway.db)).filter((event) => event.type === 'payment.completed');
    expect(events).toHaveLength(1);
  });

  it.each([
    ['ipn-pending.txt', 'payment.pending'],
    ['ipn-refund.txt', 'payment.refunded'],
  ])('%s → %s', async (file, type) => {
    const response = await gateway.post('/ipn/2checkout', fixture('2checkout', file));
    expect(response.status).toBe(200);
    const message = (await storedMessages(gateway.db)).at(-1);
    expect(message?.status).toBe('verified');
    const event = (await storedEvents(gateway.db)).find((candidate) => candidate.id === message?.event_id);
    expect(event?.type).toBe(type);
    expect(JSON.parse(event?.body ?? '{}').provider).toBe('2checkout');
  });

  it('answers an LCN with the LCN receipt and makes license.changed', async () => {
    const response = await gateway.post('/lcn/2checkout', fixture('2checkout', 'lcn-active.txt'));
    expect(response.status).toBe(200);
    checkReceipt(await response.text(), 'sha3-256', ['A1B2C3D4E5', '2027-11-21 11:58:03']);
    const message = (await storedMessages(gateway.db)).at(-1);
    expect(message?.kind).toBe('lcn');
    const event = (await storedEvents(gateway.db)).find((candidate) => candidate.id === message?.event_id);
    const body = JSON.parse(event?.body ?? '{}');
    expect(body.type).toBe('license.changed');
    expect(body.data.subscription_id).toBe('A1B2C3D4E5');
  });

  it('refuses a tampered IPN with 400, no receipt, stored as rejected, no event', async () => {
    const eventsBefore = (await storedEvents(gateway.db)).length;
    const response = await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-tampered.txt'));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const text = await response.text();
    expect(text).not.toContain('EPAYMENT');
    expect(text).not.toContain('<sig');
    const message = (await storedMessages(gateway.db)).at(-1);
    expect(message?.status).toBe('rejected');
    expect(message?.reason).toMatch(/does not match/);
    expect(message?.event_id).toBeNull();
    expect((await storedEvents(gateway.db)).length).toBe(eventsBefore);
  });

  it('refuses an unsigned IPN with 400 and keeps it with its reason', async () => {
    const unsigned = fixture('2checkout', 'ipn-pending.txt')
      .toString()
      .replace(/&(HASH|SIGNATURE_SHA2_256|SIGNATURE_SHA3_256)=[0-9a-f]+/g, '');
    const response = await gateway.post('/ipn/2checkout', unsigned);
    expect(response.status).toBe(400);
    const message = (await storedMessages(gateway.db)).at(-1);
    expect(message?.status).toBe('rejected');
    expect(message?.reason).toMatch(/missing signature/);
  });

  it('reproduces the protocol vector: the doc IPN body verifies and its receipt recomputes', async () => {
    // docs/protocols/2checkout-ipn-lcn.md 7.1, signed with AABBCCDDEEFF: the body as printed there.
    const doc = protocolDoc('2checkout-ipn-lcn');
    const body = doc
      .split('\n')
      .find((line) => line.startsWith('GIFT_ORDER=0&') && line.includes('PAYMETHOD_CODE'));
    expect(body).toBeDefined();
    const response = await gateway.post('/ipn/2checkout', body as string);
    expect(response.status).toBe(200);
    checkReceipt(await response.text(), 'sha3-256', IPN_RECEIPT_VALUES);
  });

  it('turns 10 concurrent copies of one notification into one event and nine duplicates', async () => {
    const body = fixture('2checkout', 'ipn-pending.txt')
      .toString()
      .replace('REFNO=', 'REFNO=9')
      .replace(/&(HASH|SIGNATURE_SHA2_256|SIGNATURE_SHA3_256)=[0-9a-f]+/g, '');
    // re-sign the altered copy so it is a new, genuine notification
    const { parseUtf8Form, groupFields } = await import('../../providers/form');
    const parsed = parseUtf8Form(Buffer.from(body));
    if (!parsed.ok) throw new Error(parsed.reason);
    const source = groupFields(parsed.fields)
      .flatMap(([, value]) => (Array.isArray(value) ? value : [value]))
      .map(lp)
      .join('');
    const signed = `${body}&SIGNATURE_SHA2_256=${hmac('sha256', source)}`;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => gateway.post('/ipn/2checkout', signed)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    const messages = (await storedMessages(gateway.db)).filter(
      (message) => message.raw_body.toString() === signed,
    );
    expect(messages).toHaveLength(10);
    expect(messages.filter((message) => message.status === 'verified')).toHaveLength(1);
    expect(messages.filter((message) => message.status === 'duplicate')).toHaveLength(9);
    const eventIds = new Set(messages.map((message) => message.event_id));
    expect(eventIds.size).toBe(1);
  });

  it('keeps the remote address and headers of each request', async () => {
    await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt'), { 'x-probe': 'kept' });
    const message = (await storedMessages(gateway.db)).at(-1);
    expect(message?.remote_addr).toMatch(/127\.0\.0\.1/);
    expect(message?.headers['x-probe']).toBe('kept');
  });
});
