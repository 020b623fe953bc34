// `ipn-gateway payments list|show`, the real bin as a child process, against an in-process gateway.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway, testConfig } from '../support/gateway';
import { twocheckoutIpn } from '../support/payments';

const BIN = path.resolve('bin/ipn-gateway.js');

function runBin(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('ipn-gateway payments', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    env = { IPN_GATEWAY_URL: gateway.url, ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    for (const [type, messageId, total] of [
      ['payment.completed', '1', undefined],
      ['payment.completed', '2', undefined],
      ['payment.refunded', '3', '-5.50'],
    ] as const) {
      const response = await gateway.post(
        '/ipn/2checkout',
        twocheckoutIpn({ refno: '555000111', type, messageId, total }),
      );
      expect(response.status).toBe(200);
    }
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('shows one payment with its timeline, superseded events marked', async () => {
    const run = await runBin(['payments', 'show', '2checkout', '555000111'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/state:\s+payment\.refunded/);
    expect(run.stdout).toMatch(/amount:\s+82\.80 EUR/);
    expect(run.stdout).toMatch(/refunded:\s+5\.50 EUR/);
    const timeline = run.stdout.split('\n').filter((line) => line.includes('evt_'));
    expect(timeline).toHaveLength(3);
    expect(timeline[0]).toContain('payment.completed');
    expect(timeline[0]).toContain('no subscriber');
    expect(timeline[1]).toContain('superseded, not delivered');
    expect(timeline[2]).toContain('payment.refunded');
  });

  it('prints the API answer with --json', async () => {
    const run = await runBin(['payments', 'show', '2checkout', '555000111', '--json'], env);
    expect(run.code).toBe(0);
    const payment = JSON.parse(run.stdout);
    expect(payment).toMatchObject({ state: 'payment.refunded', refunded_amount: '5.50' });
    expect(payment.events.map((event: { superseded: boolean }) => event.superseded)).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('lists payments with filters', async () => {
    const run = await runBin(['payments', 'list', '--state', 'payment.refunded'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('555000111');
    const none = await runBin(['payments', 'list', '--email', 'nobody@example.com'], env);
    expect(none.stdout.trim()).toBe('no payments');
  });

  it('marks superseded events in events list', async () => {
    const run = await runBin(['events', 'list', '--provider', '2checkout'], env);
    expect(run.code).toBe(0);
    expect(run.stdout.match(/payment\.completed \(superseded\)/g)).toHaveLength(1);
  });

  it('exits 1 with the problem detail for an unknown transaction', async () => {
    const run = await runBin(['payments', 'show', '2checkout', '000'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no 2checkout payment 000');
  });
});
