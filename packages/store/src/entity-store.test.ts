import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createEntityStore,
  type CommitResult,
  type EntityState,
  type EntityStore,
  type HistoryEntry,
} from './entity-store.js';
import { LUA_JSON_MAX_DEPTH } from '@ripio-webhooks/schemas';
import { entityKeys } from './keys.js';
import type { CommittedOutcome } from './outcomes.js';

const KIND = 'off-ramp' as const;

describe('entity store (lockAndLoad-7 / commitEvent-8 / releaseLock-1 on a real Redis)', () => {
  let redis: Redis;
  let prefix: string;

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
    prefix = uniquePrefix('entity');
  });
  afterAll(async () => {
    await deleteKeysContaining(redis, prefix);
    redis.disconnect();
  });

  const store = () => createEntityStore({ redis, queuePrefix: prefix });

  /** A commit as the tests write it: the entity and history entry as objects. */
  interface CommitRequest {
    kind: typeof KIND;
    id: string;
    eventKey: string;
    token: string;
    expectedVersion: number;
    entity: EntityState | undefined;
    history: HistoryEntry;
    dedupeTtlSeconds: number;
    historyLimit: number;
  }

  /** Encodes a request as the worker's commit builder does, and commits it. */
  async function commitThrough(
    entities: EntityStore,
    request: CommitRequest,
  ): Promise<CommitResult['outcome']> {
    const { entity: next, history, ...rest } = request;
    const result = await entities.commit({
      ...rest,
      entityJson: next === undefined ? '' : JSON.stringify(next),
      historyJson: JSON.stringify(history),
      outcome: history.outcome,
      eventLogJson: '',
    });
    // Without a hold, a commit never touches one.
    if (result.outcome === 'committed') expect(result.hold).toEqual({ outcome: 'unchanged' });
    return result.outcome;
  }

  function entity(id: string, status: string, version: number): EntityState {
    return {
      kind: KIND,
      id,
      status,
      fields: { transactionId: id, status },
      version,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
  }

  function entry(
    eventKey: string,
    outcome: CommittedOutcome,
    from: string | null,
    to: string | null,
  ): HistoryEntry {
    return {
      eventKey,
      eventType: 'OFF-RAMP.ORDER.CREATED',
      issueDatetime: '2026-01-01T00:00:00.000Z',
      receivedAt: '2026-01-01T00:00:01.000Z',
      processedAt: '2026-01-01T00:00:02.000Z',
      outcome,
      fromStatus: from,
      toStatus: to,
    };
  }

  function commitRequest(
    id: string,
    eventKey: string,
    token: string,
    expectedVersion: number,
    next?: EntityState,
  ): CommitRequest {
    return {
      kind: KIND,
      id,
      eventKey,
      token,
      expectedVersion,
      entity: next,
      history: entry(eventKey, 'applied', null, next?.status ?? null),
      dedupeTtlSeconds: 600,
      historyLimit: 100,
    };
  }

  it('gives the lock to one token at a time, with the TTL it was asked for', async () => {
    const entities = store();
    const first = await entities.lockAndLoad(KIND, 'lock-1', 'k1', 'token-a', 60_000);
    const second = await entities.lockAndLoad(KIND, 'lock-1', 'k1', 'token-b', 60_000);
    expect(first).toEqual({ outcome: 'locked', entity: undefined, seenOutcome: undefined, history: [] });
    expect(second).toEqual({ outcome: 'busy' });
    const ttl = await redis.pttl(entityKeys(prefix, KIND, 'lock-1').lock);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);

    // The holder may take it again (refresh); a foreign token cannot release it.
    expect((await entities.lockAndLoad(KIND, 'lock-1', 'k1', 'token-a', 60_000)).outcome).toBe('locked');
    expect(await entities.releaseLock(KIND, 'lock-1', 'token-b')).toBe(false);
    expect(await entities.releaseLock(KIND, 'lock-1', 'token-a')).toBe(true);
    expect((await entities.lockAndLoad(KIND, 'lock-1', 'k1', 'token-b', 60_000)).outcome).toBe('locked');
  });

  it('commits entity, history and dedupe record together, and releases the lock', async () => {
    const entities = store();
    await entities.lockAndLoad(KIND, 'commit-1', 'key-1', 't1', 60_000);
    const next = entity('commit-1', 'ORDER_CREATED', 1);
    expect(await commitThrough(entities, commitRequest('commit-1', 'key-1', 't1', 0, next))).toBe(
      'committed',
    );

    const keys = entityKeys(prefix, KIND, 'commit-1');
    expect(await redis.exists(keys.lock)).toBe(0);
    expect(await redis.get(keys.seen('key-1'))).toBe('applied');
    const dedupeTtl = await redis.ttl(keys.seen('key-1'));
    expect(dedupeTtl).toBeGreaterThan(590);
    expect(dedupeTtl).toBeLessThanOrEqual(600);
    expect(await redis.ttl(keys.entity)).toBe(-1);

    const record = await entities.get(KIND, 'commit-1');
    expect(record).toEqual({ ...next, history: [entry('key-1', 'applied', null, 'ORDER_CREATED')] });

    // The next load sees the event as seen and returns the entity with its history, in the same round trip.
    const again = await entities.lockAndLoad(KIND, 'commit-1', 'key-1', 't2', 60_000);
    expect(again).toEqual({
      outcome: 'locked',
      entity: next,
      seenOutcome: 'applied',
      history: [entry('key-1', 'applied', null, 'ORDER_CREATED')],
    });
  });

  it('refuses to commit without the lock, and writes nothing', async () => {
    const entities = store();
    await entities.lockAndLoad(KIND, 'lost-1', 'key-1', 'mine', 60_000);
    // The lock expired and another worker took it.
    await redis.set(entityKeys(prefix, KIND, 'lost-1').lock, 'theirs');
    const result = await commitThrough(
      entities,
      commitRequest('lost-1', 'key-1', 'mine', 0, entity('lost-1', 'ORDER_CREATED', 1)),
    );
    expect(result).toBe('lock_lost');
    expect(await entities.get(KIND, 'lost-1')).toBeUndefined();
    expect(await redis.exists(entityKeys(prefix, KIND, 'lost-1').seen('key-1'))).toBe(0);
    expect(await redis.get(entityKeys(prefix, KIND, 'lost-1').lock)).toBe('theirs');
  });

  it('refuses a commit whose expected version is stale (compare-and-set)', async () => {
    const entities = store();
    await entities.lockAndLoad(KIND, 'cas-1', 'key-1', 't1', 60_000);
    expect(
      await commitThrough(
        entities,
        commitRequest('cas-1', 'key-1', 't1', 0, entity('cas-1', 'ORDER_CREATED', 1)),
      ),
    ).toBe('committed');
    await entities.lockAndLoad(KIND, 'cas-1', 'key-2', 't2', 60_000);
    const stale = commitRequest('cas-1', 'key-2', 't2', 0, entity('cas-1', 'TRADE_COMPLETED', 1));
    expect(await commitThrough(entities, stale)).toBe('version_mismatch');
    const record = await entities.get(KIND, 'cas-1');
    expect(record?.status).toBe('ORDER_CREATED');
    expect(record?.version).toBe(1);
    expect(record?.history).toHaveLength(1);
    // The lock is still held by t2 (a refused commit leaves it for the caller to release).
    expect(await entities.releaseLock(KIND, 'cas-1', 't2')).toBe(true);
  });

  it('refuses to commit an event another worker committed meanwhile', async () => {
    const entities = store();
    await entities.lockAndLoad(KIND, 'seen-1', 'key-1', 't1', 60_000);
    await redis.set(entityKeys(prefix, KIND, 'seen-1').seen('key-1'), 'applied');
    const result = await commitThrough(
      entities,
      commitRequest('seen-1', 'key-1', 't1', 0, entity('seen-1', 'ORDER_CREATED', 1)),
    );
    expect(result).toBe('already_seen');
    expect(await entities.get(KIND, 'seen-1')).toBeUndefined();
  });

  it('records late, conflict and duplicate outcomes without changing the entity', async () => {
    const entities = store();
    await entities.lockAndLoad(KIND, 'same-1', 'key-1', 't1', 60_000);
    const first = entity('same-1', 'WITHDRAWAL_COMPLETED', 1);
    await commitThrough(entities, commitRequest('same-1', 'key-1', 't1', 0, first));

    for (const [token, eventKey, outcome] of [
      ['t2', 'key-late', 'late'],
      ['t3', 'key-conflict', 'conflict'],
      ['t4', 'key-1', 'duplicate'],
    ] as const) {
      await entities.lockAndLoad(KIND, 'same-1', eventKey, token, 60_000);
      const result = await commitThrough(entities, {
        ...commitRequest('same-1', eventKey, token, 1),
        history: entry(eventKey, outcome, 'WITHDRAWAL_COMPLETED', 'WITHDRAWAL_COMPLETED'),
      });
      expect(result).toBe('committed');
    }
    const record = await entities.get(KIND, 'same-1');
    expect(record?.version).toBe(1);
    expect(record?.status).toBe('WITHDRAWAL_COMPLETED');
    expect(record?.history.map((h) => h.outcome)).toEqual(['applied', 'late', 'conflict', 'duplicate']);
    const keys = entityKeys(prefix, KIND, 'same-1');
    expect(await redis.get(keys.seen('key-late'))).toBe('late');
    expect(await redis.get(keys.seen('key-conflict'))).toBe('conflict');
    // The duplicate left the original record (and its TTL) alone.
    expect(await redis.get(keys.seen('key-1'))).toBe('applied');
    expect(await redis.exists(keys.lock)).toBe(0);
  });

  it('keeps only the newest history entries', async () => {
    const entities = store();
    let version = 0;
    for (let n = 1; n <= 8; n += 1) {
      await entities.lockAndLoad(KIND, 'cap-1', `key-${n}`, `t${n}`, 60_000);
      const result = await commitThrough(entities, {
        ...commitRequest(
          'cap-1',
          `key-${n}`,
          `t${n}`,
          version,
          entity('cap-1', 'ORDER_CREATED', version + 1),
        ),
        historyLimit: 5,
      });
      expect(result).toBe('committed');
      version += 1;
    }
    const record = await entities.get(KIND, 'cap-1');
    expect(record?.history.map((h) => h.eventKey)).toEqual(['key-4', 'key-5', 'key-6', 'key-7', 'key-8']);
    expect(record?.version).toBe(8);
  });

  it('puts every key of an entity in one hash slot, whatever the id holds', async () => {
    const keys = entityKeys(prefix, KIND, 'odd}:id{x');
    const slots = await Promise.all(
      [keys.entity, keys.history, keys.lock, keys.seen('a|b')].map((key) =>
        redis.call('CLUSTER', 'KEYSLOT', key),
      ),
    ).catch(() => undefined);
    // CLUSTER KEYSLOT answers on a non-cluster server too; if it is disabled, compare the tags instead.
    if (slots !== undefined) expect(new Set(slots).size).toBe(1);
    expect(keys.entity).toContain('{off-ramp:odd%7D%3Aid%7Bx}');
  });

  /** JSON arrays nested `depth` levels deep (`[[...]]`). */
  const nestedArrays = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

  it('stores an entity exactly as deep as Lua cjson decodes, and commits the next event of it', async () => {
    const entities = store();
    const deepest = entity('depth-ok', 'ORDER_CREATED', 1);
    // fields { nested: 998 levels } = 999 levels, inside the entity object = LUA_JSON_MAX_DEPTH (1000).
    deepest.fields = { transactionId: 'depth-ok', nested: nestedArrays(LUA_JSON_MAX_DEPTH - 2) };
    await entities.lockAndLoad(KIND, 'depth-ok', 'key-1', 't1', 60_000);
    expect(await commitThrough(entities, commitRequest('depth-ok', 'key-1', 't1', 0, deepest))).toBe(
      'committed',
    );
    // The next commit makes commitEvent-8.lua cjson.decode the stored entity (its version check).
    await entities.lockAndLoad(KIND, 'depth-ok', 'key-2', 't2', 60_000);
    const next = entity('depth-ok', 'TRADE_COMPLETED', 2);
    expect(await commitThrough(entities, commitRequest('depth-ok', 'key-2', 't2', 1, next))).toBe(
      'committed',
    );
    expect((await entities.get(KIND, 'depth-ok'))?.version).toBe(2);
  });

  it('why the depth check matters: a stored entity cjson cannot decode fails every later commit of it', async () => {
    const entities = store();
    const tooDeep = {
      ...entity('depth-stuck', 'ORDER_CREATED', 1),
      fields: nestedArrays(LUA_JSON_MAX_DEPTH),
    };
    // Written behind the store's back (what the worker used to do for such an event).
    await redis.set(entityKeys(prefix, KIND, 'depth-stuck').entity, JSON.stringify(tooDeep));
    await entities.lockAndLoad(KIND, 'depth-stuck', 'key-2', 't2', 60_000);
    const next = entity('depth-stuck', 'TRADE_COMPLETED', 2);
    await expect(
      commitThrough(entities, commitRequest('depth-stuck', 'key-2', 't2', 1, next)),
    ).rejects.toThrow(/too many nested data structures/i);
  });
});
