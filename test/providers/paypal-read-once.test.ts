// A check of the very buffer the IPN receiver read (ROLE=all checks its own messages in memory)
// reuses that reading; a body loaded again (from the database) is read again. Same decision both ways.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { paypalPlugin } from '../../providers/paypal/index';
import * as parse from '../../providers/paypal/parse';
import type { ProviderAccount } from '../../providers/types';
import { FIXTURES_DIR } from '../support/fixtures';
import { afterPostback, configureFromEnv, inbound } from '../support/plugins';

vi.mock('../../providers/paypal/parse', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../providers/paypal/parse')>();
  return { ...original, parseIpn: vi.fn(original.parseIpn) };
});

const parseIpn = vi.mocked(parse.parseIpn);

function configured(receiverEmails = ''): ProviderAccount {
  return configureFromEnv(paypalPlugin, {
    PAYPAL_MODE: 'live',
    PAYPAL_VERIFY_URL: 'http://127.0.0.1:9/cgi-bin/webscr',
    PAYPAL_RECEIVER_EMAILS: receiverEmails,
  });
}

const body = () => readFileSync(path.join(FIXTURES_DIR, 'paypal', 'cart-2-items-completed.txt'));

describe('PayPal IPN: one reading per received buffer', () => {
  beforeEach(() => {
    parseIpn.mockClear();
  });

  it('decides on the received buffer without reading it again, as a fresh reading would', () => {
    const account = configured();
    const received = body();
    expect(account.receive(inbound('ipn', received)).outcome).toBe('deferred');
    expect(parseIpn).toHaveBeenCalledTimes(1);

    const reused = afterPostback(account, received);
    expect(parseIpn).toHaveBeenCalledTimes(1);

    const reloaded = afterPostback(account, Buffer.from(received));
    expect(parseIpn).toHaveBeenCalledTimes(2);
    expect(reused).toEqual(reloaded);
    expect(reused.outcome).toBe('accepted');
  });

  it('still applies the settings of the moment of the verdict to a reused reading', () => {
    const received = body();
    expect(configured().receive(inbound('ipn', received)).outcome).toBe('deferred');
    // An account whose receivers no longer include this message's: refused after the postback.
    const strict = configured('someone-else@example.com');
    expect(afterPostback(strict, received)).toMatchObject({ outcome: 'rejected' });
  });
});
