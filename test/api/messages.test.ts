import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminClient, adminClient, expectProblem, walkPages } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';

describe('admin API: inbound messages', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let api: AdminClient;
  const ids: Record<'pending' | 'tampered' | 'license' | 'resend', string> = {
    pending: '',
    tampered: '',
    license: '',
    resend: '',
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    api = adminClient(gateway);
    const posted: [keyof typeof ids, string, string, number][] = [
      ['pending', '/ipn/2checkout', 'ipn-pending.txt', 200],
      ['tampered', '/ipn/2checkout', 'ipn-tampered.txt', 400],
      ['license', '/lcn/2checkout', 'lcn-active.txt', 200],
      ['resend', '/ipn/2checkout', 'ipn-pending.txt', 200],
    ];
    for (const [name, path, file, status] of posted) {
      const response = await gateway.post(path, fixture('2checkout', file), { 'x-probe': name });
      expect(response.status).toBe(status);
      const [row] = await database.handle.rows<{ id: string }>(
        sql`select id from inbound_messages order by id desc limit 1`,
      );
      ids[name] = row?.id ?? '';
    }
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('lists every request newest first, without bodies', async () => {
    const answer = await api.get('/messages');
    expect(answer.status).toBe(200);
    expect(answer.body.next_cursor).toBeNull();
    expect(answer.body.data.map((message: { id: string }) => message.id)).toEqual([
      ids.resend,
      ids.license,
      ids.tampered,
      ids.pending,
    ]);
    const [resend, license, tampered, pending] = answer.body.data;
    expect(pending).toEqual({
      id: ids.pending,
      provider: '2checkout',
      account: 'default',
      kind: 'ipn',
      received_at: expect.any(String),
      status: 'verified',
      reason: null,
      event_id: expect.stringMatching(/^evt_/),
    });
    expect(tampered).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/does not match/) });
    expect(tampered.event_id).toBeNull();
    expect(license).toMatchObject({ kind: 'lcn', status: 'verified' });
    expect(resend).toMatchObject({ status: 'duplicate', event_id: pending.event_id });
    expect(Math.abs(Date.parse(pending.received_at) - Date.now())).toBeLessThan(60_000);
  });

  it.each([
    ['status=rejected', ['tampered']],
    ['status=duplicate', ['resend']],
    ['status=verified&kind=ipn', ['pending']],
    ['kind=lcn', ['license']],
    ['provider=2checkout&kind=ipn', ['resend', 'tampered', 'pending']],
    ['provider=paypal', []],
    ['status=pending', []],
  ] as const)('filters by %s', async (query, expected) => {
    const answer = await api.get(`/messages?${query}`);
    expect(answer.status).toBe(200);
    expect(answer.body.data.map((message: { id: string }) => message.id)).toEqual(
      expected.map((name) => ids[name]),
    );
  });

  it.each(['status=accepted', 'kind=carrier-pigeon', 'limit=0'])('refuses %s with 422', async (query) => {
    expectProblem(await api.get(`/messages?${query}`), 422);
  });

  it('pages with limit=3 without repeats', async () => {
    const walked = await walkPages(api, '/messages', 3);
    expect(walked.map((message) => message.id)).toEqual([ids.resend, ids.license, ids.tampered, ids.pending]);
  });

  it('shows one message with its exact bytes, headers and address', async () => {
    const answer = await api.get(`/messages/${ids.pending}`);
    expect(answer.status).toBe(200);
    expect(
      Buffer.from(answer.body.raw_body_base64, 'base64').equals(fixture('2checkout', 'ipn-pending.txt')),
    ).toBe(true);
    expect(answer.body).toMatchObject({
      id: ids.pending,
      provider: '2checkout',
      kind: 'ipn',
      status: 'verified',
      content_type: 'application/x-www-form-urlencoded',
      remote_addr: expect.stringMatching(/127\.0\.0\.1/),
      verify_attempts: 0,
      verify_error: null,
    });
    expect(answer.body.headers['x-probe']).toBe('pending');
    expect(answer.body.headers.authorization).toBeUndefined();
  });

  it('shows a rejected message with its reason and body', async () => {
    const answer = await api.get(`/messages/${ids.tampered}`);
    expect(answer.body).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/does not match/),
    });
    expect(
      Buffer.from(answer.body.raw_body_base64, 'base64').equals(fixture('2checkout', 'ipn-tampered.txt')),
    ).toBe(true);
  });

  it('links a message to its event', async () => {
    const message = (await api.get(`/messages/${ids.license}`)).body;
    const event = await api.get(`/events/${message.event_id}`);
    expect(event.status).toBe(200);
    expect(event.body.type).toBe('license.changed');
  });

  it('answers 404 for an unknown message', async () => {
    expectProblem(await api.get('/messages/msg_01JD5Q8Z3R4B9T6W2X7Y0KMN1P'), 404);
  });
});
