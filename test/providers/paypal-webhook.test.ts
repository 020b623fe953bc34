// The PayPal webhook plugin without a gateway: mapping table, normalization, the signed string,
// the certificate chain rules, and the check's single certificate request.
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paypalPlugin } from '../../providers/paypal/index';
import { createDevChain, issueCertificate } from '../../providers/paypal/simulator/dev-certificates';
import { signWebhook } from '../../providers/paypal/simulator/sign-webhook';
import { buildWebhookBody, WEBHOOK_EVENT_TYPES } from '../../providers/paypal/simulator/webhook-message';
import { checkCertificateChain, parsePemCertificates } from '../../providers/paypal/webhook/certificate';
import { webhookEventType } from '../../providers/paypal/webhook/event-type';
import {
  bodyCrc32,
  crc32Fallback,
  signatureMatches,
  signedString,
} from '../../providers/paypal/webhook/signature';
import { configureFromEnv, inbound, runCheckWith } from '../support/plugins';

describe('webhook event types (docs/contract.md section 9 table)', () => {
  it.each([
    ['PAYMENT.CAPTURE.COMPLETED', 'payment.completed'],
    ['PAYMENT.SALE.COMPLETED', 'payment.completed'],
    ['PAYMENT.CAPTURE.PENDING', 'payment.pending'],
    ['PAYMENT.SALE.PENDING', 'payment.pending'],
    ['PAYMENT.CAPTURE.DENIED', 'payment.denied'],
    ['PAYMENT.SALE.DENIED', 'payment.denied'],
    ['PAYMENT.CAPTURE.DECLINED', 'payment.denied'],
    ['PAYMENT.CAPTURE.REFUNDED', 'payment.refunded'],
    ['PAYMENT.SALE.REFUNDED', 'payment.refunded'],
    ['PAYMENT.CAPTURE.REVERSED', 'payment.reversed'],
    ['PAYMENT.SALE.REVERSED', 'payment.reversed'],
    ['PAYMENT.AUTHORIZATION.CREATED', 'payment.authorized'],
    ['PAYMENT.AUTHORIZATION.VOIDED', 'payment.canceled'],
    ['BILLING.SUBSCRIPTION.CREATED', 'subscription.created'],
    ['BILLING.SUBSCRIPTION.ACTIVATED', 'subscription.created'],
    ['BILLING.SUBSCRIPTION.UPDATED', 'subscription.modified'],
    ['BILLING.SUBSCRIPTION.SUSPENDED', 'subscription.suspended'],
    ['BILLING.SUBSCRIPTION.CANCELLED', 'subscription.cancelled'],
    ['BILLING.SUBSCRIPTION.EXPIRED', 'subscription.expired'],
    ['BILLING.SUBSCRIPTION.PAYMENT.FAILED', 'subscription.payment_failed'],
    ['CUSTOMER.DISPUTE.CREATED', 'dispute.opened'],
    ['CUSTOMER.DISPUTE.RESOLVED', 'notification.unclassified'],
    ['CHECKOUT.ORDER.APPROVED', 'notification.unclassified'],
  ])('%s → %s', (eventType, type) => {
    expect(webhookEventType(eventType)).toBe(type);
  });
});

describe('CRC-32 and the signed string', () => {
  it('uses the unsigned CRC of the raw bytes (above 2^31 for this body)', () => {
    // zlib's reference value for "The quick brown fox jumps over the lazy dog".
    const body = Buffer.from('The quick brown fox jumps over the lazy dog');
    expect(bodyCrc32(body)).toBe(0x414fa339);
    const high = Buffer.from('123456789');
    expect(bodyCrc32(high)).toBe(0xcbf43926); // 3421780262 > 2^31
    expect(signedString('tid', '2026-01-01T00:00:00Z', 'WH', high)).toBe(
      'tid|2026-01-01T00:00:00Z|WH|3421780262',
    );
  });

  it('computes the same CRC without node:zlib (Node 20 before 20.15)', () => {
    expect(crc32Fallback(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32Fallback(Buffer.from('123456789'))).toBe(0xcbf43926);
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 31) & 0xff));
    expect(crc32Fallback(bytes)).toBe(bodyCrc32(bytes));
  });

  it('verifies SHA256withRSA with the right key only', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signed = 'a|b|c|1';
    const signature = sign('sha256', Buffer.from(signed), privateKey).toString('base64');
    expect(signatureMatches(signed, signature, publicKey)).toBe(true);
    expect(signatureMatches('a|b|c|2', signature, publicKey)).toBe(false);
    expect(signatureMatches(signed, signature, other.publicKey)).toBe(false);
    expect(signatureMatches(signed, 'not base64 at all', publicKey)).toBe(false);
  });
});

describe('certificate chain', () => {
  const chain = createDevChain();
  const trusted = parsePemCertificates(chain.ca.certPem);
  const now = new Date();

  it('accepts leaf → intermediate → trusted CA', () => {
    expect(checkCertificateChain(chain.chainPem, trusted, now).ok).toBe(true);
  });

  it('refuses a chain missing its intermediate, or rooted elsewhere', () => {
    expect(checkCertificateChain(chain.leaf.certPem, trusted, now)).toMatchObject({ ok: false });
    expect(checkCertificateChain(createDevChain().chainPem, trusted, now)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not chain/),
    });
  });

  it('checks validity at the time of the check', () => {
    const later = new Date(Date.now() + 5 * 365 * 86_400_000);
    expect(checkCertificateChain(chain.chainPem, trusted, later)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/expired/),
    });
  });

  it('requires a PayPal host in the subject common name', () => {
    const leaf = issueCertificate(chain.intermediate, { commonName: 'paypal.com.evil.example' });
    expect(checkCertificateChain(`${leaf.certPem}${chain.intermediate.certPem}`, trusted, now)).toMatchObject(
      {
        ok: false,
        reason: expect.stringMatching(/not a PayPal host/),
      },
    );
  });

  it('refuses an answer without a certificate', () => {
    expect(checkCertificateChain('<html>oops</html>', trusted, now).ok).toBe(false);
  });
});

describe('the webhook check', () => {
  const chain = createDevChain();
  const configured = configureFromEnv(paypalPlugin, {
    PAYPAL_WEBHOOK_ID: 'WH-CONFIGURED',
    PAYPAL_WEBHOOK_CERT_URL_PREFIXES: 'https://certs.test/',
    PAYPAL_WEBHOOK_CA_FILE: '',
  });
  // A CA bundle can only come from a file; build the account with the CA in its shared settings.
  const shared = paypalPlugin.settings.env.parse({
    PAYPAL_WEBHOOK_ID: 'WH-CONFIGURED',
    PAYPAL_WEBHOOK_CERT_URL_PREFIXES: 'https://certs.test/',
  }) as Record<string, unknown>;
  const withCa = paypalPlugin.configure(
    { ...shared, caBundle: chain.ca.certPem },
    { receiverEmails: [], webhookId: 'WH-CONFIGURED' },
    'default',
  );
  const certUrl = 'https://certs.test/v1/notifications/certs/CERT-1';
  const { body } = buildWebhookBody({ type: 'payment.completed' });
  const respond = () => ({ ok: true as const, status: 200, body: Buffer.from(chain.chainPem) });

  it('is asked before answering, and asks for the certificate once, cached', () => {
    const headers = signWebhook({ body, webhookId: 'WH-CONFIGURED', keyPem: chain.leaf.keyPem, certUrl });
    const decision = withCa.receive(inbound('webhook', body, { headers }));
    expect(decision).toMatchObject({
      outcome: 'deferred',
      checkBeforeAnswer: true,
      response: { status: 200 },
    });
    const { result, requests } = runCheckWith(withCa, { kind: 'webhook', rawBody: body, headers }, respond);
    expect(requests).toEqual([{ method: 'GET', url: certUrl, cacheForMs: expect.any(Number) }]);
    expect(result.step).toBe('verified');
  });

  it('signs over the configured webhook id, not the event id', () => {
    const headers = signWebhook({ body, webhookId: 'WH-SOMETHING-ELSE', keyPem: chain.leaf.keyPem, certUrl });
    const { result } = runCheckWith(withCa, { kind: 'webhook', rawBody: body, headers }, respond);
    expect(result).toMatchObject({ step: 'invalid', reason: expect.stringMatching(/does not match/) });
  });

  it('with the system roots, a development chain is not trusted', () => {
    const headers = signWebhook({ body, webhookId: 'WH-CONFIGURED', keyPem: chain.leaf.keyPem, certUrl });
    const { result } = runCheckWith(configured, { kind: 'webhook', rawBody: body, headers }, respond);
    expect(result).toMatchObject({ step: 'invalid', reason: expect.stringMatching(/does not chain/) });
  });

  it('a certificate URL answering 404 is refused; server errors are no verdict (retry)', () => {
    const headers = signWebhook({ body, webhookId: 'WH-CONFIGURED', keyPem: chain.leaf.keyPem, certUrl });
    for (const answer of [
      { ok: false as const, error: 'ECONNREFUSED' },
      { ok: true as const, status: 503, body: Buffer.alloc(0) },
      { ok: true as const, status: 302, body: Buffer.alloc(0) },
      { ok: true as const, status: 429, body: Buffer.alloc(0) },
    ]) {
      expect(
        runCheckWith(withCa, { kind: 'webhook', rawBody: body, headers }, () => answer).result.step,
      ).toBe('retry');
    }
    const missing = { ok: true as const, status: 404, body: Buffer.alloc(0) };
    expect(
      runCheckWith(withCa, { kind: 'webhook', rawBody: body, headers }, () => missing).result,
    ).toMatchObject({
      step: 'invalid',
      reason: 'certificate URL answered HTTP 404',
    });
  });

  it('normalizes every simulated type into its own event type', () => {
    for (const type of WEBHOOK_EVENT_TYPES) {
      const built = buildWebhookBody({ type });
      const headers = signWebhook({
        body: built.body,
        webhookId: 'WH-CONFIGURED',
        keyPem: chain.leaf.keyPem,
        certUrl,
      });
      const { result } = runCheckWith(withCa, { kind: 'webhook', rawBody: built.body, headers }, respond);
      if (result.step !== 'verified' || result.decision.outcome !== 'accepted') throw new Error(type);
      expect(result.decision.event.type).toBe(type);
      expect(result.decision.idempotencyKey).toBe(`ppwh:${built.ids.webhookId}`);
    }
  });
});

describe('a genuine PayPal sandbox webhook (published vector)', () => {
  const vector = JSON.parse(
    readFileSync(path.join(import.meta.dirname, '../fixtures/paypal-webhook-genuine.json'), 'utf8'),
  ) as { webhook_id: string; headers: Record<string, string>; body: string; certificate: string };
  const body = Buffer.from(vector.body, 'utf8');
  const headers = vector.headers as Record<string, string>;

  it('has a CRC-32 above 2^31, and PayPal signature verifies over the unsigned decimal', () => {
    expect(bodyCrc32(body)).toBe(3_674_300_368);
    const signed = signedString(
      headers['paypal-transmission-id'] ?? '',
      headers['paypal-transmission-time'] ?? '',
      vector.webhook_id,
      body,
    );
    expect(signed).toBe(
      'afa30d40-ca4a-11e9-ab68-7d4e2605c70c|2019-08-29T10:49:33Z|0FV983392A0531201|3674300368',
    );
    const [certificate] = parsePemCertificates(vector.certificate);
    if (!certificate) throw new Error('no certificate');
    expect(signatureMatches(signed, headers['paypal-transmission-sig'] ?? '', certificate.publicKey)).toBe(
      true,
    );
    // The signed 32-bit CRC some libraries produce would not verify.
    const signedInt = signed.replace('3674300368', String(3_674_300_368 - 2 ** 32));
    expect(signatureMatches(signedInt, headers['paypal-transmission-sig'] ?? '', certificate.publicKey)).toBe(
      false,
    );
  });

  it('the full check still refuses it: the certificate expired in 2021', () => {
    const sandbox = configureFromEnv(paypalPlugin, {
      PAYPAL_MODE: 'sandbox',
      PAYPAL_WEBHOOK_ID: vector.webhook_id,
    });
    const { result, requests } = runCheckWith(sandbox, { kind: 'webhook', rawBody: body, headers }, () => ({
      ok: true,
      status: 200,
      body: Buffer.from(vector.certificate),
    }));
    expect(requests[0]?.url).toBe(headers['paypal-cert-url']);
    expect(result).toMatchObject({ step: 'invalid', reason: expect.stringMatching(/expired/) });
  });
});
