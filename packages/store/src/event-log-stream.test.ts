import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEntityStore } from './entity-store.js';
import { createEventLogStream } from './event-log-stream.js';
import { eventLogKey } from './keys.js';

describe('event-log stream (the outbox between the worker and the archiver), on a real Redis', () => {
  let redis: Redis;
  let reader: Redis;
  let prefix: string;

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
    reader = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    await deleteKeysContaining(redis, 'eventlog-test');
    redis.disconnect();
    reader.disconnect();
  });

  async function committed(eventKey: string, record: string, token = 't1', expectedVersion = 0) {
    const entities = createEntityStore({ redis, queuePrefix: prefix });
    const loaded = await entities.lockAndLoad('off-ramp', 'tx', eventKey, token, 10_000);
    expect(loaded.outcome).toBe('locked');
    return entities.commit({
      kind: 'off-ramp',
      id: 'tx',
      eventKey,
      token,
      expectedVersion,
      entityJson: JSON.stringify({ kind: 'off-ramp', id: 'tx', status: 'DEPOSIT_RECEIVED', version: 1 }),
      historyJson: '{}',
      outcome: 'applied',
      dedupeTtlSeconds: 60,
      historyLimit: 10,
      eventLogJson: record,
    });
  }

  it('a commit appends its record in the same script; a refused commit appends nothing', async () => {
    prefix = uniquePrefix('eventlog-test');
    expect((await committed('k1', '{"n":1}')).outcome).toBe('committed');
    // The entity is at version 1 now: a commit that read version 0 is refused and writes nothing.
    expect((await committed('k2', '{"n":2}', 't2', 0)).outcome).toBe('version_mismatch');
    const entries = await redis.xrange(eventLogKey(prefix), '-', '+');
    expect(entries.map(([, fields]) => fields)).toEqual([['r', '{"n":1}']]);
  });

  it('with the log off (empty record) a commit appends nothing', async () => {
    prefix = uniquePrefix('eventlog-test');
    expect((await committed('k1', '')).outcome).toBe('committed');
    expect(await redis.exists(eventLogKey(prefix))).toBe(0);
  });

  it('delivers each entry once, keeps unacknowledged ones, trims only what was acknowledged', async () => {
    prefix = uniquePrefix('eventlog-test');
    const stream = createEventLogStream(redis, prefix);
    const blocking = createEventLogStream(reader, prefix);
    for (const n of [1, 2, 3]) await stream.append(`{"n":${n}}`);
    await stream.ensureGroup();
    await stream.ensureGroup();
    const batch = await blocking.readNew('a', 2, 100);
    expect(batch.map((entry) => entry.recordJson)).toEqual(['{"n":1}', '{"n":2}']);
    expect(await stream.oldestUnarchivedMs()).toBe(Number(batch[0]?.id.split('-')[0]));
    // Archiver `a` dies before acknowledging: `b` claims its entries once they are idle.
    const claimed = await stream.claimStale('b', 0, 10);
    expect(claimed.map((entry) => entry.id)).toEqual(batch.map((entry) => entry.id));
    await stream.ack(claimed.map((entry) => entry.id));
    expect(await stream.trimArchived()).toBe(2);
    const rest = await blocking.readNew('b', 10, 100);
    expect(rest.map((entry) => entry.recordJson)).toEqual(['{"n":3}']);
    expect(await stream.trimArchived()).toBe(0);
    await stream.ack(rest.map((entry) => entry.id));
    expect(await stream.trimArchived()).toBe(1);
    expect(await stream.oldestUnarchivedMs()).toBeUndefined();
    expect(await redis.xlen(eventLogKey(prefix))).toBe(0);
  });
});
