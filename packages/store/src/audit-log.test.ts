import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedisAuditLog, type AuditRecord } from './audit-log.js';
import { createOperatorStore } from './operator-store.js';

const redis = new Redis(inject('redisUrl'));
const prefix = uniquePrefix('audit');

afterAll(async () => {
  await deleteKeysContaining(redis, prefix);
  redis.disconnect();
});

const entry = (operator: string, action: string, target: string): AuditRecord => ({
  at: new Date(),
  operator,
  role: 'operate',
  via: 'token',
  action,
  target,
  reason: `why ${target}`,
  outcome: 'done',
});

describe('the Redis audit log', () => {
  it('lists newest first, filtered and paged, and keeps every field', async () => {
    const log = createRedisAuditLog({ redis, queuePrefix: `${prefix}-list`, retentionMs: 86_400_000 });
    for (let index = 0; index < 7; index += 1) {
      await log.record(
        entry(
          index % 2 === 0 ? 'ana' : 'bob',
          index < 4 ? 'dead-letter.replay' : 'hold.release',
          `t${index}`,
        ),
      );
    }
    const first = await log.list({ limit: 3 });
    expect(first.entries.map((e) => e.target)).toEqual(['t6', 't5', 't4']);
    expect(first.entries[0]).toMatchObject({
      operator: 'ana',
      role: 'operate',
      via: 'token',
      reason: 'why t6',
    });
    const second = await log.list({ limit: 3, cursor: first.nextCursor! });
    expect(second.entries.map((e) => e.target)).toEqual(['t3', 't2', 't1']);
    const last = await log.list({ limit: 3, cursor: second.nextCursor! });
    expect(last).toEqual({ entries: [expect.objectContaining({ target: 't0' })] });

    const ana = await log.list({ limit: 10, operator: 'ana', action: 'dead-letter.replay' });
    expect(ana.entries.map((e) => e.target)).toEqual(['t2', 't0']);
    expect((await log.list({ limit: 10, since: new Date(Date.now() + 60_000) })).entries).toEqual([]);
  });

  it('trims entries older than the retention when it appends (by age, not by count)', async () => {
    const retentionMs = 60_000;
    let ahead = 0;
    const log = createRedisAuditLog({
      redis,
      queuePrefix: `${prefix}-trim`,
      retentionMs,
      now: () => Date.now() + ahead,
    });
    // 150 entries: more than one stream node (100 entries), which `MINID ~` removes whole.
    for (let index = 0; index < 150; index += 1) {
      await log.record(entry('ana', 'dead-letter.delete', `old${index}`));
    }
    const lastOld = Number((await log.list({ limit: 1 })).entries[0]!.id.split('-')[0]);
    while (Date.now() <= lastOld) await new Promise((resolve) => setTimeout(resolve, 2));
    // The log's clock one retention later: every entry so far is older than the retention, the next one is not.
    ahead = retentionMs;
    await log.record(entry('ana', 'dead-letter.delete', 'new'));
    const left = (await log.list({ limit: 500 })).entries;
    expect(left[0]?.target).toBe('new');
    expect(left.length).toBeLessThanOrEqual(51);
    // Without age, nothing is trimmed however many entries there are.
    const kept = createRedisAuditLog({ redis, queuePrefix: `${prefix}-keep`, retentionMs: 86_400_000 });
    for (let index = 0; index < 150; index += 1) await kept.record(entry('bob', 'hold.release', `k${index}`));
    expect((await kept.list({ limit: 500 })).entries).toHaveLength(150);
  });
});

describe('the operator store', () => {
  it('finds an operator by its token hash until it is revoked, and keeps names unique', async () => {
    const store = createOperatorStore(redis, `${prefix}-ops`);
    const record = {
      name: 'ana',
      role: 'read' as const,
      createdAt: 'now',
      createdBy: 'admin',
      tokenHash: 'h1',
    };
    expect(await store.create(record)).toBe('created');
    expect(await store.create({ ...record, tokenHash: 'h2' })).toBe('exists');
    expect(await store.byTokenHash('h1')).toEqual(record);
    expect(await store.byTokenHash('h2')).toBeUndefined();
    expect(await store.list()).toEqual([record]);
    expect(await store.revoke('ana')).toBe(true);
    expect(await store.byTokenHash('h1')).toBeUndefined();
    expect(await store.get('ana')).toBeUndefined();
    expect(await store.revoke('ana')).toBe(false);
  });
});
