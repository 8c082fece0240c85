import { readFile } from 'node:fs/promises';
import type { FreshDatabase } from '@ripio-webhooks/test-support';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from '../archive-writer.js';
import { entryOf, migratedDatabase, recordOf } from '../event-log.test-helpers.js';

/** The SQL statements of the fenced `sql` blocks of docs/event-log.md's operator queries section. */
async function documentedStatements(): Promise<string[]> {
  const page = await readFile(new URL('../../../../docs/event-log.md', import.meta.url), 'utf8');
  const start = page.indexOf('\n## Queries an operator will want');
  const end = page.indexOf('\n## ', start + 1);
  const section = page.slice(start, end === -1 ? undefined : end);
  const blocks = [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
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
