import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEntityStore, type EntityStore } from './entity-store.js';
import { createHoldStore, type HoldStore } from './hold-store.js';
import type { BlockerIdentity } from './hold-types.js';
import { entityKeys } from './keys.js';

const KIND = 'off-ramp' as const;
const NOW = '2026-03-01T00:00:00.000Z';
const LOCK_MS = 60_000;
const RETENTION_SECONDS = 7_776_000;
const DEDUPE_SECONDS = 600;

describe('entity retention in commitEvent-8 / holdOnFailure-5 / releaseHold-5, on a real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let entities: EntityStore;
  let holds: HoldStore;

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
    prefix = uniquePrefix('retention');
    const options = { redis, queuePrefix: prefix, entityRetentionSeconds: RETENTION_SECONDS };
    entities = createEntityStore(options);
    holds = createHoldStore(options);
  });
  afterAll(async () => {
    await deleteKeysContaining(redis, prefix);
    redis.disconnect();
  });

  const keysOf = (id: string) => entityKeys(prefix, KIND, id);

  function event(eventKey: string): BlockerIdentity {
    return { eventKey, eventType: 'OFF-RAMP.X', issueDatetime: NOW, receivedAt: NOW };
  }

  /** lockAndLoad + commit of `eventKey` moving the entity to `status` ('': recorded without a change). */
  async function commit(
    id: string,
    eventKey: string,
    status: string,
    unchanged: 'late' | 'duplicate' = 'late',
  ): Promise<string> {
    const token = `t-${eventKey}-${Math.random()}`;
    const loaded = await entities.lockAndLoad(KIND, id, eventKey, token, LOCK_MS);
    if (loaded.outcome !== 'locked') throw new Error('lock unexpectedly held');
    const version = loaded.entity?.version ?? 0;
    const from = loaded.entity?.status ?? null;
    const entity = {
      kind: KIND,
      id,
      status,
      fields: {},
      version: version + 1,
      createdAt: NOW,
      updatedAt: NOW,
    };
    const outcome = status === '' ? unchanged : 'applied';
    const history = {
      ...event(eventKey),
      processedAt: NOW,
      outcome,
      fromStatus: from,
      toStatus: status || from,
    };
    const result = await entities.commit({
      kind: KIND,
      id,
      eventKey,
      token,
      expectedVersion: version,
      entityJson: status === '' ? '' : JSON.stringify(entity),
      historyJson: JSON.stringify(history),
      outcome,
      dedupeTtlSeconds: DEDUPE_SECONDS,
      historyLimit: 100,
      eventLogJson: '',
    });
    if (result.outcome !== 'committed') await entities.releaseLock(KIND, id, token);
    return result.outcome;
  }

  /** The event takes the lock and its handlers fail: the entity goes on hold behind it. */
  async function failHandlers(id: string, eventKey: string): Promise<void> {
    const token = `t-fail-${eventKey}`;
    expect((await entities.lockAndLoad(KIND, id, eventKey, token, LOCK_MS)).outcome).toBe('locked');
    expect((await holds.holdOnFailure(KIND, id, token, event(eventKey), 1, 'boom')).outcome).toBe('held');
  }

  /** TTLs in seconds of the entity and its history (-1: no expiry). */
  async function ttls(id: string): Promise<[number, number]> {
    const keys = keysOf(id);
    return [await redis.ttl(keys.entity), await redis.ttl(keys.history)];
  }

  function expectRetained([entityTtl, historyTtl]: [number, number]): void {
    for (const ttl of [entityTtl, historyTtl]) {
      expect(ttl).toBeGreaterThan(RETENTION_SECONDS - 60);
      expect(ttl).toBeLessThanOrEqual(RETENTION_SECONDS);
    }
  }

  it('keeps an entity on its way without expiry, and expires it with its history once terminal', async () => {
    const id = 'r-success';
    for (const [n, status] of ['DEPOSIT_RECEIVED', 'TRADE_COMPLETED', 'WITHDRAWAL_PROCESSING'].entries()) {
      expect(await commit(id, `e${n}`, status)).toBe('committed');
      expect(await ttls(id)).toEqual([-1, -1]);
    }
    expect(await commit(id, 'e3', 'WITHDRAWAL_COMPLETED')).toBe('committed');
    expectRetained(await ttls(id));
    // The dedupe records keep their own TTL.
    const seenTtl = await redis.ttl(keysOf(id).seen('e3'));
    expect(seenTtl).toBeGreaterThan(0);
    expect(seenTtl).toBeLessThanOrEqual(DEDUPE_SECONDS);
    // A late event on the terminal entity restarts the clock and keeps it expiring.
    await redis.expire(keysOf(id).entity, 100);
    expect(await commit(id, 'e-late', '')).toBe('committed');
    expectRetained(await ttls(id));
  });

  it('expires a cancelled entity (a flow ends there), and restarts the clock when the refund moves it', async () => {
    const id = 'r-cancelled';
    expect(await commit(id, 'e0', 'DEPOSIT_RECEIVED')).toBe('committed');
    expect(await commit(id, 'e1', 'ORDER_CANCELLED')).toBe('committed');
    expectRetained(await ttls(id));
    await redis.expire(keysOf(id).entity, 100);
    await redis.expire(keysOf(id).history, 100);
    expect(await commit(id, 'e2', 'ORDER_REFUNDED')).toBe('committed');
    expectRetained(await ttls(id));
  });

  it('never lets an entity on hold expire; the blocker commit that ends the hold starts the retention', async () => {
    const id = 'r-held-commit';
    expect(await commit(id, 'e0', 'DEPOSIT_RECEIVED')).toBe('committed');
    expect(await commit(id, 'e1', 'ORDER_CANCELLED')).toBe('committed');
    expectRetained(await ttls(id));

    await failHandlers(id, 'e2');
    expect(await ttls(id)).toEqual([-1, -1]);
    // A redelivery of an earlier event commits as a duplicate while on hold: still no expiry.
    expect(await commit(id, 'e1', '', 'duplicate')).toBe('committed');
    expect(await ttls(id)).toEqual([-1, -1]);

    expect(await commit(id, 'e2', 'ORDER_REFUNDED')).toBe('committed');
    expect(await redis.exists(keysOf(id).hold)).toBe(0);
    expectRetained(await ttls(id));
  });

  it('keeps no expiry while the hold passes to a parked event, and a release that ends the hold starts it', async () => {
    const id = 'r-held-release';
    expect(await commit(id, 'e0', 'DEPOSIT_RECEIVED')).toBe('committed');
    expect(await commit(id, 'e1', 'ORDER_CANCELLED')).toBe('committed');
    await failHandlers(id, 'e2');
    const token = 't-park-e3';
    expect((await entities.lockAndLoad(KIND, id, 'e3', token, LOCK_MS)).outcome).toBe('locked');
    await holds.park(KIND, id, token, { ...event('e3'), parkedAt: NOW });

    // The blocker commits (settled), the parked event becomes the blocker: the entity stays on hold, no expiry.
    expect(await commit(id, 'e2', 'ORDER_REFUNDED')).toBe('committed');
    expect(await redis.exists(keysOf(id).hold)).toBe(1);
    expect(await ttls(id)).toEqual([-1, -1]);

    const release = {
      kind: KIND,
      id,
      eventKey: 'e3',
      action: 'discard',
      reason: 'test',
      operator: 'ops',
    } as const;
    expect(
      await holds.release({ ...release, releasedTtlSeconds: DEDUPE_SECONDS, historyLimit: 100 }),
    ).toEqual({
      outcome: 'released',
      hold: { outcome: 'cleared' },
    });
    expectRetained(await ttls(id));
  });
});
