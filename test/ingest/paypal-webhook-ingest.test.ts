// PayPal REST webhooks (docs/contract.md section 9), verified offline against a development CA: a local certificate
// server plays PayPal's certificate URL.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevChain, issueCertificate } from '../../providers/paypal/simulator/dev-certificates';
import { buildWebhookBody } from '../../providers/paypal/simulator/webhook-message';
import { bodyCrc32 } from '../../providers/paypal/webhook/signature';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { storedEvents, storedMessages } from '../support/messages';
import {
  type CertificateServer,
  freePort,
  signedHeaders,
  startCertificateServer,
  TEST_WEBHOOK_ID,
  type TrustedChain,
  trustedChain,
} from '../support/paypal-webhooks';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

let database: TestDatabase;
let gateway: TestGateway;
let certs: CertificateServer;
let foreign: RecordingServer;
let trusted: TrustedChain;
let certUrl: string;
let downPort: number;

beforeAll(async () => {
  database = await createTestDatabase();
  certs = await startCertificateServer();
  foreign = await startRecordingServer(() => ({ status: 200, body: 'should never be asked' }));
  trusted = trustedChain();
  certUrl = certs.serve('CERT-good', trusted.chain.chainPem);
  downPort = await freePort();
  gateway = await startTestGateway(
    testConfig(database, {
      PAYPAL_WEBHOOK_ID: TEST_WEBHOOK_ID,
      PAYPAL_WEBHOOK_CERT_URL_PREFIXES: `${certs.base},http://127.0.0.1:${downPort}/`,
      PAYPAL_WEBHOOK_CA_FILE: trusted.caFile,
      PAYPAL_VERIFY_RETRY_SCHEDULE: '100ms',
    }),
    database,
  );
});

afterAll(async () => {
  await gateway?.close();
  await certs?.close();
  await foreign?.close();
  trusted?.cleanup();
  await database?.drop();
});

async function postWebhook(body: Buffer, headers: Record<string, string>) {
  const response = await gateway.post('/webhooks/paypal', body, headers);
  const text = await response.text();
  const message = (await storedMessages(gateway.db)).find((candidate) => candidate.raw_body.equals(body));
  return { status: response.status, text, contentType: response.headers.get('content-type'), message };
}

async function verifyAttempts(messageId: string | undefined): Promise<number | undefined> {
  const [row] = await gateway.db.rows<{ verify_attempts: number }>(
    sql`select verify_attempts from inbound_messages where id = ${messageId ?? ''}`,
  );
  return row?.verify_attempts;
}

async function eventsFor(messageEventId: string | null | undefined) {
  return (await storedEvents(gateway.db)).filter((event) => event.id === messageEventId);
}

describe('PayPal webhooks', () => {
  it('valid signature → 200 empty, verified, event with the mapped fields and the raw bytes kept', async () => {
    const { body, ids } = buildWebhookBody({ type: 'payment.completed', amount: '19.90', currency: 'EUR' });
    const { status, text, message } = await postWebhook(
      body,
      signedHeaders(body, trusted.chain.leaf.keyPem, certUrl),
    );
    expect(status).toBe(200);
    expect(text).toBe('');
    expect(message?.status).toBe('verified');
    expect(message?.kind).toBe('webhook');
    expect(message?.raw_body.equals(body)).toBe(true);
    const [event] = await eventsFor(message?.event_id);
    const payload = JSON.parse(event?.body ?? '{}');
    expect(payload).toMatchObject({
      type: 'payment.completed',
      provider: 'paypal',
      account: 'default',
      channel: 'webhook',
      livemode: true,
      data: {
        transaction_id: ids.resourceId,
        order_id: ids.invoiceId,
        amount: '19.90',
        currency: 'EUR',
        fee: '0.98',
        provider_status: 'COMPLETED',
      },
    });
    expect(payload.raw.id).toBe(ids.webhookId);
    expect(payload.raw.resource.amount).toEqual({ value: '19.90', currency_code: 'EUR' });
  });

  it('maps a refund: negative amount, the capture it refunds as parent', async () => {
    const { body, ids } = buildWebhookBody({ type: 'payment.refunded', amount: '5.00' });
    const { message } = await postWebhook(body, signedHeaders(body, trusted.chain.leaf.keyPem, certUrl));
    const [event] = await eventsFor(message?.event_id);
    expect(JSON.parse(event?.body ?? '{}').data).toMatchObject({
      transaction_id: ids.resourceId,
      parent_transaction_id: ids.captureId,
      amount: '-5.00',
    });
  });

  it('one flipped body byte → 400 problem, stored as rejected, no event', async () => {
    const { body } = buildWebhookBody({ type: 'payment.completed', amount: '19.90' });
    const headers = signedHeaders(body, trusted.chain.leaf.keyPem, certUrl);
    const tampered = Buffer.from(body);
    const at = tampered.indexOf('19.90');
    tampered[at] = '9'.charCodeAt(0);
    const eventsBefore = (await storedEvents(gateway.db)).length;
    const { status, contentType, message } = await postWebhook(tampered, headers);
    expect(status).toBe(400);
    expect(contentType).toMatch(/application\/problem\+json/);
    expect(message?.status).toBe('rejected');
    expect(message?.reason).toMatch(/does not match/);
    expect((await storedEvents(gateway.db)).length).toBe(eventsBefore);
  });

  it('a certificate URL outside the prefixes → 400, rejected, and no request is made to it', async () => {
    const { body } = buildWebhookBody({ type: 'payment.completed' });
    const { status, message } = await postWebhook(
      body,
      signedHeaders(body, trusted.chain.leaf.keyPem, `${foreign.url}certs/CERT-good`),
    );
    expect(status).toBe(400);
    expect(message?.status).toBe('rejected');
    expect(message?.reason).toMatch(/not under PAYPAL_WEBHOOK_CERT_URL_PREFIXES/);
    expect(foreign.received).toHaveLength(0);
  });

  it('a missing transmission header → 400, rejected', async () => {
    const { body } = buildWebhookBody({ type: 'payment.completed' });
    const headers = signedHeaders(body, trusted.chain.leaf.keyPem, certUrl);
    delete headers['paypal-transmission-sig'];
    const { status, message } = await postWebhook(body, headers);
    expect(status).toBe(400);
    expect(message?.reason).toMatch(/missing header PAYPAL-TRANSMISSION-SIG/);
  });

  it.each([
    [
      'a certificate from an untrusted CA',
      () => {
        const other = createDevChain();
        return { pem: other.chainPem, key: other.leaf.keyPem };
      },
      /does not chain to a trusted CA/,
    ],
    [
      'an expired certificate',
      () => {
        const leaf = issueCertificate(trusted.chain.intermediate, {
          commonName: 'messageverificationcerts.paypal.com',
          notBefore: new Date(Date.now() - 10 * 86_400_000),
          notAfter: new Date(Date.now() - 86_400_000),
        });
        return { pem: `${leaf.certPem}${trusted.chain.intermediate.certPem}`, key: leaf.keyPem };
      },
      /has expired/,
    ],
    [
      'a certificate whose subject is not PayPal',
      () => {
        const leaf = issueCertificate(trusted.chain.intermediate, { commonName: 'webhooks.example.com' });
        return { pem: `${leaf.certPem}${trusted.chain.intermediate.certPem}`, key: leaf.keyPem };
      },
      /not a PayPal host/,
    ],
  ])('%s → 400, rejected, no event', async (name, make, reason) => {
    const { pem, key } = make();
    const url = certs.serve(`CERT-${name.replace(/\W+/g, '-')}`, pem);
    const { body } = buildWebhookBody({ type: 'payment.completed' });
    const eventsBefore = (await storedEvents(gateway.db)).length;
    const { status, message } = await postWebhook(body, signedHeaders(body, key, url));
    expect(status).toBe(400);
    expect(message?.status).toBe('rejected');
    expect(message?.reason).toMatch(reason);
    expect((await storedEvents(gateway.db)).length).toBe(eventsBefore);
  });

  it('a body whose CRC-32 is at least 2^31 verifies (the CRC is signed as unsigned decimal)', async () => {
    let built = buildWebhookBody({ type: 'payment.completed' });
    for (let tries = 0; bodyCrc32(built.body) < 2 ** 31 && tries < 200; tries++) {
      built = buildWebhookBody({ type: 'payment.completed' });
    }
    expect(bodyCrc32(built.body)).toBeGreaterThanOrEqual(2 ** 31);
    const { status, message } = await postWebhook(
      built.body,
      signedHeaders(built.body, trusted.chain.leaf.keyPem, certUrl),
    );
    expect(status).toBe(200);
    expect(message?.status).toBe('verified');
  });

  it('the same webhook twice → one event, the copy stored as duplicate', async () => {
    const { body } = buildWebhookBody({ type: 'payment.completed' });
    const first = await postWebhook(body, signedHeaders(body, trusted.chain.leaf.keyPem, certUrl));
    // PayPal's resend: same body and webhook id, a new transmission.
    const response = await gateway.post(
      '/webhooks/paypal',
      body,
      signedHeaders(body, trusted.chain.leaf.keyPem, certUrl),
    );
    expect(response.status).toBe(200);
    const copies = (await storedMessages(gateway.db)).filter((message) => message.raw_body.equals(body));
    expect(copies.map((message) => message.status).sort()).toEqual(['duplicate', 'verified']);
    expect(new Set(copies.map((message) => message.event_id))).toEqual(new Set([first.message?.event_id]));
    expect(await eventsFor(first.message?.event_id)).toHaveLength(1);
  });

  it('fetches a certificate once and reuses it', async () => {
    const url = certs.serve('CERT-cached', trusted.chain.chainPem);
    for (let i = 0; i < 3; i++) {
      const { body } = buildWebhookBody({ type: 'payment.pending' });
      expect((await postWebhook(body, signedHeaders(body, trusted.chain.leaf.keyPem, url))).status).toBe(200);
    }
    expect(certs.received.filter((request) => request.path === '/certs/CERT-cached')).toHaveLength(1);
  });

  it('does not follow a redirect from the certificate URL', async () => {
    const url = certs.serve('CERT-moved', '');
    certs.respondWith((request) =>
      request.path === '/certs/CERT-moved'
        ? { status: 302, headers: { location: certUrl } }
        : { status: 200, body: trusted.chain.chainPem },
    );
    const { body } = buildWebhookBody({ type: 'payment.completed' });
    const before = certs.received.length;
    const { status, message } = await postWebhook(body, signedHeaders(body, trusted.chain.leaf.keyPem, url));
    expect(status).toBe(200); // no verdict yet: stored and checked again later
    expect(message?.status).toBe('pending');
    const asked = certs.received.slice(before).map((request) => request.path);
    expect(asked).not.toContain('/certs/CERT-good');
  });

  it('certificate server down → stored, 200, verified once it is back', async () => {
    const url = `http://127.0.0.1:${downPort}/certs/CERT-late`;
    const { body } = buildWebhookBody({ type: 'payment.completed' });
    const { status, text, message } = await postWebhook(
      body,
      signedHeaders(body, trusted.chain.leaf.keyPem, url),
    );
    expect(status).toBe(200);
    expect(text).toBe('');
    expect(message?.status).toBe('pending');
    // At least one more failed attempt by the worker while the server is down.
    await waitFor(async () => ((await verifyAttempts(message?.id)) ?? 0) >= 1, {
      what: 'a failed verification attempt',
    });
    const late = await startCertificateServer(downPort);
    try {
      late.serve('CERT-late', trusted.chain.chainPem);
      const settled = await waitFor(
        async () => {
          const row = (await storedMessages(gateway.db)).find((candidate) => candidate.id === message?.id);
          return row?.status === 'verified' ? row : undefined;
        },
        { what: 'the webhook to be verified after the certificate server came back', timeoutMs: 15_000 },
      );
      expect(await eventsFor(settled.event_id)).toHaveLength(1);
      expect(late.received.some((request) => request.path === '/certs/CERT-late')).toBe(true);
    } finally {
      await late.close();
    }
  });
});
