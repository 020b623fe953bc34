import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminClient, adminClient, expectProblem, walkPages } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';
import { twocheckoutIpn } from '../support/payments';

describe('admin API: payments', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let client: AdminClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    client = adminClient(gateway);
    const post = (
      refno: string,
      type: Parameters<typeof twocheckoutIpn>[0]['type'],
      messageId: string,
      total?: string,
    ) => gateway.post('/ipn/2checkout', twocheckoutIpn({ refno, type, messageId, total }));
    expect((await post('100000001', 'payment.completed', '1')).status).toBe(200);
    expect((await post('100000001', 'payment.pending', '2')).status).toBe(200);
    expect((await post('100000001', 'payment.refunded', '3', '-10.00')).status).toBe(200);
    expect((await post('100000002', 'payment.pending', '4')).status).toBe(200);
    expect((await post('100000003', 'payment.completed', '5')).status).toBe(200);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('reads one payment in the contract shape, with its timeline', async () => {
    const { status, body } = await client.get('/payments/2checkout/100000001');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual([
      'provider',
      'account',
      'transaction_id',
      'order_id',
      'state',
      'amount',
      'currency',
      'refunded_amount',
      'livemode',
      'customer_email',
      'first_seen_at',
      'updated_at',
      'events',
    ]);
    expect(body).toMatchObject({
      provider: '2checkout',
      account: 'default',
      transaction_id: '100000001',
      order_id: 'ORD-70001',
      state: 'payment.refunded',
      amount: '82.80',
      currency: 'EUR',
      refunded_amount: '10.00',
      livemode: false,
      customer_email: 'helene.dupont@example.com',
    });
    expect(
      body.events.map((event: { type: string; superseded: boolean; deliveries: { total: number } }) => [
        event.type,
        event.superseded,
      ]),
    ).toEqual([
      ['payment.completed', false],
      ['payment.pending', true],
      ['payment.refunded', false],
    ]);
    for (const event of body.events) {
      expect(event).toMatchObject({
        id: expect.stringMatching(/^evt_/),
        message_id: expect.stringMatching(/^msg_/),
      });
      expect(Date.parse(event.occurred_at)).not.toBeNaN();
      expect(Date.parse(event.received_at)).not.toBeNaN();
    }
  });

  it('answers 404 for an unknown transaction and 409 when it exists in several accounts', async () => {
    expectProblem(await client.get('/payments/2checkout/999999999'), 404);
    await gateway.db.rows(sql`
      insert into payments (id, provider, account, transaction_id, state, rank, livemode, first_seen_at, updated_at)
      values ('pay_01SECONDACCOUNT', '2checkout', 'eu-store', '100000003', 'payment.pending', 10, true, now(), now())`);
    const ambiguous = await client.get('/payments/2checkout/100000003');
    expectProblem(ambiguous, 409);
    expect(ambiguous.body.detail).toContain('eu-store');
    const chosen = await client.get('/payments/2checkout/100000003?account=eu-store');
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ account: 'eu-store', state: 'payment.pending' });
    // Each account's timeline holds its own events only: the completed IPN was the default account's.
    expect(chosen.body.events).toEqual([]);
    const inDefault = await client.get('/payments/2checkout/100000003?account=default');
    expect(inDefault.body.state).toBe('payment.completed');
    expect(inDefault.body.events.map((event: { type: string }) => event.type)).toEqual(['payment.completed']);
  });

  it('lists payments newest first with filters', async () => {
    const all = await client.get('/payments');
    expect(all.status).toBe(200);
    expect(all.body.data.map((payment: { transaction_id: string }) => payment.transaction_id)).toEqual([
      '100000003',
      '100000003',
      '100000002',
      '100000001',
    ]);
    const ids = async (query: string) =>
      (await client.get(`/payments?${query}`)).body.data.map(
        (payment: { transaction_id: string; account: string }) =>
          `${payment.transaction_id}/${payment.account}`,
      );
    expect(await ids('state=payment.pending')).toEqual(['100000003/eu-store', '100000002/default']);
    expect(await ids('transaction_id=100000001')).toEqual(['100000001/default']);
    expect(await ids('order_id=ORD-70002')).toEqual(['100000002/default']);
    expect(await ids('email=HELENE.DUPONT@example.com')).toHaveLength(3);
    expect(await ids('provider=paypal')).toEqual([]);
  });

  it('pages with cursors', async () => {
    const items = await walkPages(client, '/payments', 1);
    expect(items).toHaveLength(4);
  });

  it('rejects bad filters with 422 and needs the token', async () => {
    expectProblem(await client.get('/payments?state=paid'), 422);
    expectProblem(await client.get('/payments?cursor=nonsense'), 422);
    expectProblem(await adminClient(gateway, 'wrong-token').get('/payments'), 401);
  });

  it('shows superseded events in GET /api/events, with the field', async () => {
    const { body } = await client.get('/events?transaction_id=100000001');
    expect(
      body.data.map((event: { type: string; superseded: boolean }) => [event.type, event.superseded]),
    ).toEqual([
      ['payment.refunded', false],
      ['payment.pending', true],
      ['payment.completed', false],
    ]);
    expect(body.data[0].data.receiver).toBeNull();
    const single = await client.get(`/events/${body.data[1].id}`);
    expect(single.body).toMatchObject({ superseded: true, deliveries: [] });
  });

  it('documents the routes in the OpenAPI document', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the test inspects the document's JSON
    const document: any = await (await fetch(`${gateway.url}/api/openapi.json`)).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/payments', '/payments/{provider}/{transaction_id}']),
    );
    expect(document.components.schemas.Event.properties.superseded).toBeDefined();
    expect(JSON.stringify(document.components.schemas.PaymentWithEvents)).toContain('PaymentEvent');
  });
});
