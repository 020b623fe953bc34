// Subscriber secrets at rest: sealed under ENCRYPTION_KEY, so a full pg_dump holds none of them;
// rows written before encryption are sealed at start-up; deliveries still sign with the real
// secret; a key rotation (ENCRYPTION_KEY_PREVIOUS) re-seals every row.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyId } from '../../src/secrets/secret-box';
import { adminClient } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { twocheckoutMessage } from '../support/simulated';

const LEGACY_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

function pgDump(url: string): Promise<string> {
  const { hostname, port, username, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    execFile(
      'pg_dump',
      ['-h', hostname, '-p', port || '5432', '-U', username || 'postgres', '--no-owner', pathname.slice(1)],
      { maxBuffer: 256 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

/** The secret and its key bytes in the spellings a dump could show them. */
function spellings(secret: string): string[] {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return [secret, secret.slice('whsec_'.length), key.toString('hex'), key.toString('base64url')];
}

async function storedSecrets(database: TestDatabase) {
  return database.handle.rows<{ id: string; secret: string; previous_secret: string | null }>(
    sql`select id, secret, previous_secret from subscribers order by id`,
  );
}

describe('subscriber secrets at rest', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let receiver: RecordingServer;
  const secrets: string[] = [LEGACY_SECRET];
  const firstKey = randomBytes(32);

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await startRecordingServer();
    // A subscriber written before encryption existed: plaintext in the row.
    await database.handle.rows(sql`
      insert into subscribers (id, url, secret) values ('sub_legacy', ${receiver.url}, ${LEGACY_SECRET})`);
    gateway = await startTestGateway(
      testConfig(database, { ENCRYPTION_KEY: firstKey.toString('base64') }),
      database,
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await receiver?.close();
    await database?.drop();
  });

  it('seals the plaintext row at start-up, and signs its deliveries with the real secret', async () => {
    const [legacy] = await storedSecrets(database);
    expect(legacy?.secret).toMatch(new RegExp(`^enc:v1:${keyId(firstKey)}:`));
    const message = twocheckoutMessage(0);
    expect((await gateway.post(message.path, message.body)).status).toBe(200);
    const [request] = await waitFor(() => receiver.received.length > 0 && receiver.received, {
      what: 'a delivery',
    });
    const headers = Object.fromEntries(
      ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [
        name,
        String(request?.headers[name]),
      ]),
    );
    expect(() =>
      new Webhook(LEGACY_SECRET).verify(request?.body.toString('utf8') ?? '', headers),
    ).not.toThrow();
  });

  it('no subscriber secret (current or previous) appears in a full pg_dump', async () => {
    const api = adminClient(gateway);
    for (const index of [1, 2, 3]) {
      const created = await api.post('/subscribers', {
        url: `https://hooks.example/${index}`,
        enabled: false,
      });
      expect(created.status).toBe(201);
      secrets.push(created.body.secret);
      const rotated = await api.post(`/subscribers/${created.body.id}/rotate-secret`);
      secrets.push(rotated.body.secret);
      // The API still shows both, decrypted.
      const shown = (await api.get(`/subscribers/${created.body.id}/secret`)).body;
      expect(shown).toMatchObject({ secret: rotated.body.secret, previous_secret: created.body.secret });
    }
    const dump = await pgDump(database.url);
    expect(dump).toContain('sub_legacy'); // the dump is real and complete
    expect(dump).toContain('enc:v1:');
    for (const secret of secrets) {
      for (const spelling of spellings(secret)) expect(dump).not.toContain(spelling);
    }
  });

  it('a key rotation with ENCRYPTION_KEY_PREVIOUS re-seals every row under the new key', async () => {
    const api = adminClient(gateway);
    const before = (await api.get('/subscribers/sub_legacy/secret')).body.secret;
    expect(before).toBe(LEGACY_SECRET);
    await gateway.close();
    const newKey = randomBytes(32);
    gateway = await startTestGateway(
      testConfig(database, {
        ENCRYPTION_KEY: newKey.toString('hex'),
        ENCRYPTION_KEY_PREVIOUS: firstKey.toString('base64'),
      }),
      database,
    );
    for (const row of await storedSecrets(database)) {
      expect(row.secret.startsWith(`enc:v1:${keyId(newKey)}:`)).toBe(true);
      if (row.previous_secret !== null)
        expect(row.previous_secret.startsWith(`enc:v1:${keyId(newKey)}:`)).toBe(true);
    }
    expect((await adminClient(gateway).get('/subscribers/sub_legacy/secret')).body.secret).toBe(
      LEGACY_SECRET,
    );
  });

  it('a process with another key starts, and records deliveries it cannot sign as failed attempts', async () => {
    await gateway.close();
    gateway = await startTestGateway(
      testConfig(database, { ENCRYPTION_KEY: randomBytes(32).toString('base64') }),
      database,
    );
    const before = receiver.received.length;
    const message = twocheckoutMessage(1);
    expect((await gateway.post(message.path, message.body)).status).toBe(200);
    const [attempt] = await waitFor(
      async () => {
        const rows = await database.handle.rows<{ error: string | null }>(sql`
          select a.error from delivery_attempts a join deliveries d on d.id = a.delivery_id
          where d.subscriber_id = 'sub_legacy' and a.error is not null`);
        return rows.length > 0 && rows;
      },
      { what: 'a failed attempt' },
    );
    expect(attempt?.error).toMatch(/ENCRYPTION_KEY/);
    expect(receiver.received.length).toBe(before); // nothing sent unsigned
  });

  it('without ENCRYPTION_KEY a key is generated under DATA_DIR (mode 600) and kept', async () => {
    const other = await createTestDatabase();
    const config = testConfig(other, { ENCRYPTION_KEY: '' });
    const second = await startTestGateway(config, other);
    try {
      const file = path.join(config.dataDir, 'encryption-key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(second.encryptionKeyGenerated).toBe(true);
    } finally {
      await second.close();
      await other.drop();
    }
  });
});
