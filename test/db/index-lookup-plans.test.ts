// Statements that join a batch of ids to tables that grow run as index lookups (QueryOptions
// indexLookups), whatever the tables held when their plan was made. Checked in the worst case: an
// empty database, each statement's generic plan, sequential scans off as on the lookup
// connections. Every read of a gateway table must then go through an index condition; a full
// index scan under a hash join (what the deferred ingest did) reads the whole table per batch.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbHandle, INDEX_LOOKUPS, type QueryOptions } from '../../src/db/client';
import { claimDeliveries, recordAttempts, wakeSuccessors } from '../../src/delivery/delivery-store';
import { storeDeferredBatch } from '../../src/ingest/batched-store';
import { recordVerifiedBatch } from '../../src/ingest/message-store';
import { createTestDatabase, type TestDatabase } from '../support/database';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  /** A bitmap heap scan's condition; its child bitmap index scan holds the index condition. */
  'Recheck Cond'?: string;
  Plans?: PlanNode[];
}

/** Runs the gateway's statement functions against a handle that only keeps the SQL text. */
async function indexLookupStatements(): Promise<Map<string, string>> {
  const statements = new Map<string, string>();
  let current = '';
  const handle = {
    async query(text: string, _params: readonly unknown[], options?: QueryOptions) {
      if (options?.indexLookups) statements.set(current, text);
      return [];
    },
  } as unknown as DbHandle;
  const run = async (name: string, call: () => Promise<unknown>) => {
    current = name;
    await call();
  };
  await run('deferred ingest', () => storeDeferredBatch(handle, [], 0));
  await run('verified messages', () => recordVerifiedBatch(handle, []));
  await run('delivery claim', () => claimDeliveries(handle, [], { leaseMs: 1, recheckMs: 1 }));
  await run('attempt record', () =>
    recordAttempts(handle, [
      {
        deliveryId: 'd',
        subscriberId: 's',
        claimToken: 't',
        number: 1,
        startedAt: new Date(0),
        durationMs: 1,
        statusCode: 200,
        error: null,
        responseBody: null,
        trigger: 'scheduled',
        failure: null,
        outcome: 'succeeded',
        nextAttemptAt: null,
        exhaustedAlertId: null,
        eventId: 'e',
      },
    ]),
  );
  await run('successor wake-up', () => wakeSuccessors(handle, ['d']));
  return statements;
}

const LOOKUP_STATEMENTS = [
  'deferred ingest',
  'verified messages',
  'delivery claim',
  'attempt record',
  'successor wake-up',
] as const;

function tableReads(node: PlanNode, found: PlanNode[] = []): PlanNode[] {
  if (node['Relation Name'] && /Scan$/.test(node['Node Type'])) found.push(node);
  for (const child of node.Plans ?? []) tableReads(child, found);
  return found;
}

describe('statements run as index lookups', () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  let statements: Map<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
    statements = await indexLookupStatements();
  });

  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  // Only the statements named here are checked: a new one that asks for index lookups joins the list.
  it('each of these statements asks for index lookups', () => {
    expect([...statements.keys()]).toEqual([...LOOKUP_STATEMENTS]);
  });

  it.each(LOOKUP_STATEMENTS)(
    '%s: its generic plan on empty tables reads them only through index conditions',
    async (name) => {
      const text = statements.get(name) as string;
      const parameters = Math.max(...[...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
      const plan = await sql.begin(async (tx) => {
        await tx.unsafe('set local enable_seqscan = off');
        await tx.unsafe('set local plan_cache_mode = force_generic_plan');
        await tx.unsafe(`prepare probe as ${text}`);
        const nulls = Array.from({ length: parameters }, () => 'null').join(', ');
        const [row] = await tx.unsafe(`explain (format json) execute probe(${nulls})`);
        await tx.unsafe('deallocate probe');
        const [explained] = (row?.['QUERY PLAN'] ?? []) as Array<{ Plan: PlanNode }>;
        if (!explained) throw new Error(`no plan for ${name}`);
        return explained.Plan;
      });
      const reads = tableReads(plan);
      expect(reads.length).toBeGreaterThan(0);
      const unbounded = reads
        .filter((read) => !read['Index Cond'] && !read['Recheck Cond'])
        .map(
          (read) => `${read['Node Type']} on ${read['Relation Name']} (${read['Index Name'] ?? 'no index'})`,
        );
      expect(unbounded).toEqual([]);
    },
  );

  // With sequential scans off, a plan that must scan (postgres.js's type query at connect) is
  // costed past jit_above_cost and compiled: about 200 ms of CPU per connection under load.
  it('turns JIT compilation off on both of its connection pools', async () => {
    const setting = 'select current_setting($1) as value';
    const [plain] = await database.handle.query<{ value: string }>(setting, ['jit']);
    const [lookups] = await database.handle.query<{ value: string }>(setting, ['jit'], INDEX_LOOKUPS);
    const [seqscan] = await database.handle.query<{ value: string }>(
      setting,
      ['enable_seqscan'],
      INDEX_LOOKUPS,
    );
    expect([plain?.value, lookups?.value, seqscan?.value]).toEqual(['off', 'off', 'off']);
  });
});
