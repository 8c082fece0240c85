import { readFile } from 'node:fs/promises';
import type { FreshDatabase } from '@ripio-webhooks/test-support';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from '../archive-writer.js';
import { entryOf, migratedDatabase, recordOf } from '../event-log.test-helpers.js';

/** The SQL statements of docs/event-log.md's fenced `sql` blocks. */
async function documentedStatements(): Promise<string[]> {
  const page = await readFile(new URL('../../../../docs/event-log.md', import.meta.url), 'utf8');
  const blocks = [...page.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks.flatMap((block) =>
    block
      .split(/;\s*$/m)
      .map((statement) => statement.trim())
      .filter((statement) => statement !== ''),
  );
}

let database: FreshDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  ({ database, pool } = await migratedDatabase());
  await writeBatch(pool, [entryOf('1-0', recordOf({ entityId: 'docs-1' }))]);
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

describe('docs/event-log.md', () => {
  it('documents queries that run against the schema', async () => {
    const statements = await documentedStatements();
    expect(statements.length).toBeGreaterThanOrEqual(10);
    for (const statement of statements) {
      await expect(pool.query(statement), statement).resolves.toBeDefined();
    }
  });
});
