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
import { createHoldIndex } from './hold-index.js';
import { createHoldStore, type HoldStore } from './hold-store.js';
import type { BlockerIdentity, ParkedEntry } from './hold-types.js';
import { entityKeys, holdsIndexKey } from './keys.js';
import type { CommittedOutcome } from './outcomes.js';

const KIND = 'off-ramp' as const;
const NOW = '2026-03-01T00:00:00.000Z';
const LOCK_MS = 60_000;

describe('entity holds (parkEvent-3 / holdOnFailure-5 / markDeadLettered-2 / releaseHold-5 and the hold-aware lockAndLoad-6 / commitEvent-8, on a real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let entities: EntityStore;
  let holds: HoldStore;

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
    prefix = uniquePrefix('holds');
    entities = createEntityStore({ redis, queuePrefix: prefix, now: () => new Date(NOW) });
    holds = createHoldStore({ redis, queuePrefix: prefix, now: () => new Date(NOW) });
  });
  afterAll(async () => {
    await deleteKeysContaining(redis, prefix);
    redis.disconnect();
  });

  const keysOf = (id: string) => entityKeys(prefix, KIND, id);

  /** Event `n` of an entity: received at second n, issued at second n (or `issueSecond`). */
  function blocker(n: number, issueSecond = n): BlockerIdentity {
    const second = String(n).padStart(2, '0');
    return {
      eventKey: `e${n}`,
      eventType: `OFF-RAMP.STEP_${n}`,
      issueDatetime: `2026-01-01T00:00:${String(issueSecond).padStart(2, '0')}.000Z`,
      receivedAt: `2026-01-01T00:01:${second}.000Z`,
    };
  }
  const parkedEntry = (n: number, issueSecond = n): ParkedEntry => ({
    ...blocker(n, issueSecond),
    parkedAt: NOW,
  });

  function state(id: string, status: string, version: number): EntityState {
    return { kind: KIND, id, status, fields: { status }, version, createdAt: NOW, updatedAt: NOW };
  }

  function historyOf(
    eventKey: string,
    outcome: CommittedOutcome,
    from: string | null,
    to: string | null,
  ): HistoryEntry {
    return {
      eventKey,
      eventType: 'OFF-RAMP.X',
      issueDatetime: NOW,
      receivedAt: NOW,
      processedAt: NOW,
      outcome,
      fromStatus: from,
      toStatus: to,
    };
  }

  /** lockAndLoad + commit of `eventKey` moving the entity to `status` (or `outcome` without a state change). */
  async function lockAndCommit(
    id: string,
    eventKey: string,
    status: string,
    outcome: CommittedOutcome = 'applied',
  ): Promise<CommitResult> {
    const token = `t-${eventKey}-${Math.random()}`;
    const loaded = await entities.lockAndLoad(KIND, id, eventKey, token, LOCK_MS);
    if (loaded.outcome !== 'locked') throw new Error('lock unexpectedly held');
    const version = loaded.entity?.version ?? 0;
    const applied = outcome === 'applied';
    const result = await entities.commit({
      kind: KIND,
      id,
      eventKey,
      token,
      expectedVersion: version,
      entityJson: applied ? JSON.stringify(state(id, status, version + 1)) : '',
      historyJson: JSON.stringify(
        historyOf(eventKey, outcome, loaded.entity?.status ?? null, applied ? status : null),
      ),
      outcome,
      dedupeTtlSeconds: 600,
      historyLimit: 100,
      eventLogJson: '',
    });
    if (result.outcome !== 'committed') await entities.releaseLock(KIND, id, token);
    return result;
  }

  /** The event takes the lock and fails: the failure path. */
  async function fail(id: string, event: BlockerIdentity, attempts = 1, error = 'boom') {
    const token = `t-${event.eventKey}-${attempts}`;
    expect((await entities.lockAndLoad(KIND, id, event.eventKey, token, LOCK_MS)).outcome).toBe('locked');
    return holds.holdOnFailure(KIND, id, token, event, attempts, error);
  }

  async function park(id: string, entry: ParkedEntry) {
    const token = `t-park-${entry.eventKey}`;
    expect((await entities.lockAndLoad(KIND, id, entry.eventKey, token, LOCK_MS)).outcome).toBe('locked');
    return holds.park(KIND, id, token, entry);
  }

  it('holdOnFailure holds the entity behind the first failing event and releases the lock in the same step', async () => {
    const result = await fail('h-1', blocker(1), 1, 'HandlerFailedError: 503');
    expect(result).toEqual({
      outcome: 'held',
      hold: {
        blocker: 'e1',
        blockerType: 'OFF-RAMP.STEP_1',
        issueDatetime: blocker(1).issueDatetime,
        receivedAt: blocker(1).receivedAt,
        since: NOW,
        state: 'retrying',
        attempts: 1,
        lastFailedAt: NOW,
        lastError: 'HandlerFailedError: 503',
      },
    });
    expect(await redis.exists(keysOf('h-1').lock)).toBe(0);

    // The next failure of the blocker is recorded; a failure of another event leaves the hold to its blocker.
    expect(await fail('h-1', blocker(1), 2, 'again')).toMatchObject({
      outcome: 'updated',
      hold: { blocker: 'e1', attempts: 2, lastError: 'again', state: 'retrying' },
    });
    expect(await fail('h-1', blocker(2), 1)).toMatchObject({
      outcome: 'other_blocker',
      hold: { blocker: 'e1', attempts: 2 },
    });
    expect(await redis.exists(keysOf('h-1').lock)).toBe(0);
  });

  it('holdOnFailure leaves a lock it no longer holds alone, but still holds the entity', async () => {
    expect((await entities.lockAndLoad(KIND, 'h-2', 'e1', 'mine', LOCK_MS)).outcome).toBe('locked');
    await redis.set(keysOf('h-2').lock, 'theirs');
    expect((await holds.holdOnFailure(KIND, 'h-2', 'mine', blocker(1), 1, '')).outcome).toBe('held');
    expect(await redis.get(keysOf('h-2').lock)).toBe('theirs');
    // A commit by the lock's new holder (a later event) is refused: it may not overtake the blocker.
    await redis.del(keysOf('h-2').lock);
    expect(await lockAndCommit('h-2', 'e2', 'TRADE_COMPLETED')).toEqual({ outcome: 'on_hold' });
    expect(await entities.get(KIND, 'h-2')).toBeUndefined();
  });

  it('parks events in arrival order (receivedAt, then issueDatetime), once each, and releases the lock', async () => {
    const id = 'p-1';
    expect(await park(id, parkedEntry(4))).toEqual({ outcome: 'not_on_hold' });
    expect(await redis.exists(keysOf(id).parked, keysOf(id).lock)).toBe(0);

    await fail(id, blocker(1));
    // The blocker itself never parks.
    expect(await park(id, parkedEntry(1))).toEqual({ outcome: 'not_on_hold' });
    expect(await park(id, parkedEntry(5))).toEqual({ outcome: 'parked', position: 1, count: 1, added: true });
    expect(await park(id, parkedEntry(3))).toEqual({ outcome: 'parked', position: 1, count: 2, added: true });
    // Same receivedAt as e3's, issued earlier: before it.
    const sameReceipt = { ...parkedEntry(3, 0), eventKey: 'e3-early' };
    expect(await park(id, sameReceipt)).toEqual({ outcome: 'parked', position: 1, count: 3, added: true });
    expect(await park(id, parkedEntry(4))).toEqual({ outcome: 'parked', position: 3, count: 4, added: true });
    // Parking again (a recheck that found the entity still on hold) adds nothing.
    expect(await park(id, parkedEntry(5))).toEqual({
      outcome: 'parked',
      position: 4,
      count: 4,
      added: false,
    });
    expect(await redis.exists(keysOf(id).lock)).toBe(0);

    const record = await holds.get(KIND, id);
    expect(record?.hold.blocker).toBe('e1');
    expect(record?.parked.map((entry) => entry.eventKey)).toEqual(['e3-early', 'e3', 'e4', 'e5']);

    const loaded = await entities.lockAndLoad(KIND, id, 'e4', 'look', LOCK_MS);
    expect(loaded).toMatchObject({ outcome: 'locked', hold: { blocker: 'e1' }, parked: parkedEntry(4) });
    expect(loaded.outcome === 'locked' && loaded.released).toBeUndefined();
    await entities.releaseLock(KIND, id, 'look');
  });

  it('lets an event that arrived before the blocker take its place, keeping the lock, the old blocker parked in order', async () => {
    const id = 'pre-1';
    await fail(id, blocker(3));
    await park(id, parkedEntry(5));
    const token = 't-early';
    expect((await entities.lockAndLoad(KIND, id, 'e2', token, LOCK_MS)).outcome).toBe('locked');
    expect(await holds.park(KIND, id, token, parkedEntry(2))).toEqual({ outcome: 'preempted', count: 2 });
    expect(await redis.get(keysOf(id).lock)).toBe(token);
    const record = await holds.get(KIND, id);
    expect(record?.hold).toMatchObject({ blocker: 'e2', state: 'draining', attempts: 0, since: NOW });
    expect(record?.parked.map((entry) => entry.eventKey)).toEqual(['e3', 'e5']);
    expect(record?.parked[0]?.deadLettered).toBeUndefined();
    // The old blocker's next attempt parks (it is in the list already), and the new blocker commits first.
    await entities.releaseLock(KIND, id, token);
    expect(await lockAndCommit(id, 'e3', 'TRADE_COMPLETED')).toEqual({ outcome: 'on_hold' });
    expect(await lockAndCommit(id, 'e2', 'DEPOSIT_RECEIVED')).toEqual({
      outcome: 'committed',
      hold: { outcome: 'advanced', nextBlocker: 'e3' },
    });
  });

  it('parks a dead-lettered blocker an earlier event displaced as dead-lettered, until its job runs again', async () => {
    const id = 'pre-2';
    await fail(id, blocker(3), 3);
    await holds.markDeadLettered(KIND, id, 'e3');
    expect((await entities.lockAndLoad(KIND, id, 'e1', 't-e1', LOCK_MS)).outcome).toBe('locked');
    expect((await holds.park(KIND, id, 't-e1', parkedEntry(1))).outcome).toBe('preempted');
    expect((await holds.get(KIND, id))?.parked).toEqual([{ ...parkedEntry(3), deadLettered: true }]);

    // Committed, e1 hands the hold to e3, which is in the dead-letter queue: the hold says so.
    await entities.releaseLock(KIND, id, 't-e1');
    expect((await lockAndCommit(id, 'e1', 'DEPOSIT_RECEIVED')).outcome).toBe('committed');
    expect((await holds.get(KIND, id))?.hold).toMatchObject({ blocker: 'e3', state: 'dead_lettered' });

    // Another entity: e3's job runs again (replayed) while e1 still blocks: its entry is no longer flagged.
    const other = 'pre-3';
    await fail(other, blocker(3), 3);
    await holds.markDeadLettered(KIND, other, 'e3');
    expect((await entities.lockAndLoad(KIND, other, 'e1', 't-e1', LOCK_MS)).outcome).toBe('locked');
    await holds.park(KIND, other, 't-e1', parkedEntry(1));
    await entities.releaseLock(KIND, other, 't-e1');
    expect(await park(other, parkedEntry(3))).toEqual({
      outcome: 'parked',
      position: 1,
      count: 1,
      added: false,
    });
    expect((await holds.get(KIND, other))?.parked[0]?.deadLettered).toBeUndefined();
  });

  it('commits only the blocker while on hold, then drains the parked events one at a time in order', async () => {
    const id = 'c-1';
    await fail(id, blocker(1));
    await park(id, parkedEntry(3));
    await park(id, parkedEntry(2));

    // A parked event may not commit; the lock stays with the caller (who parks it).
    expect(await lockAndCommit(id, 'e3', 'WITHDRAWAL_COMPLETED')).toEqual({ outcome: 'on_hold' });
    expect(await redis.exists(keysOf(id).seen('e3'))).toBe(0);

    expect(await lockAndCommit(id, 'e1', 'DEPOSIT_RECEIVED')).toEqual({
      outcome: 'committed',
      hold: { outcome: 'advanced', nextBlocker: 'e2' },
    });
    expect(await holds.get(KIND, id)).toEqual({
      hold: {
        blocker: 'e2',
        blockerType: 'OFF-RAMP.STEP_2',
        issueDatetime: blocker(2).issueDatetime,
        receivedAt: blocker(2).receivedAt,
        since: NOW,
        state: 'draining',
        attempts: 0,
      },
      parked: [parkedEntry(3)],
    });
    // Still on hold behind e2: e3 waits.
    expect(await lockAndCommit(id, 'e3', 'WITHDRAWAL_COMPLETED')).toEqual({ outcome: 'on_hold' });
    // Any committed outcome of the blocker advances the hold, `late` included.
    expect(await lockAndCommit(id, 'e2', 'DEPOSIT_RECEIVED', 'late')).toEqual({
      outcome: 'committed',
      hold: { outcome: 'advanced', nextBlocker: 'e3' },
    });
    expect(await lockAndCommit(id, 'e3', 'WITHDRAWAL_COMPLETED')).toEqual({
      outcome: 'committed',
      hold: { outcome: 'cleared' },
    });
    expect(await holds.get(KIND, id)).toBeUndefined();
    expect(await redis.exists(keysOf(id).hold, keysOf(id).parked)).toBe(0);
    const record = await entities.get(KIND, id);
    expect(record?.history.map((entry) => [entry.eventKey, entry.outcome])).toEqual([
      ['e1', 'applied'],
      ['e2', 'late'],
      ['e3', 'applied'],
    ]);
  });

  it('lets a duplicate commit while on hold (it changes nothing), and a duplicate of the blocker advances the hold', async () => {
    const id = 'd-1';
    expect((await lockAndCommit(id, 'e0', 'ORDER_CREATED')).outcome).toBe('committed');
    await fail(id, blocker(1));
    await park(id, parkedEntry(2));
    expect(await lockAndCommit(id, 'e0', 'ORDER_CREATED', 'duplicate')).toEqual({
      outcome: 'committed',
      hold: { outcome: 'unchanged' },
    });
    // The blocker committed elsewhere meanwhile (its dedupe record exists): its duplicate commit advances.
    await redis.set(keysOf(id).seen('e1'), 'applied');
    expect(await lockAndCommit(id, 'e1', 'ORDER_CREATED', 'duplicate')).toEqual({
      outcome: 'committed',
      hold: { outcome: 'advanced', nextBlocker: 'e2' },
    });
  });

  it('markDeadLettered marks only the blocker, and reports how many events wait behind it', async () => {
    const id = 'm-1';
    expect(await holds.markDeadLettered(KIND, id, 'e1')).toEqual({ outcome: 'not_blocker' });
    await fail(id, blocker(1), 3);
    await park(id, parkedEntry(2));
    await park(id, parkedEntry(3));
    expect(await holds.markDeadLettered(KIND, id, 'e2')).toEqual({ outcome: 'not_blocker' });
    expect(await holds.markDeadLettered(KIND, id, 'e1')).toEqual({ outcome: 'marked', parkedCount: 2 });
    expect((await holds.get(KIND, id))?.hold).toMatchObject({
      blocker: 'e1',
      state: 'dead_lettered',
      deadLetteredAt: NOW,
      attempts: 3,
    });
    // A replay of the dead letter that fails again is retrying again.
    expect(await fail(id, blocker(1), 1)).toMatchObject({ outcome: 'updated', hold: { state: 'retrying' } });
  });

  const releaseOf = (id: string, eventKey: string, action: 'discard' | 'skip' = 'skip') => ({
    kind: KIND,
    id,
    eventKey,
    action,
    reason: 'forwarder rejects this order for good',
    operator: 'ops@example.com',
    releasedTtlSeconds: 600,
    historyLimit: 100,
  });

  it('releaseHold releases only the blocker, records it in the history, and advances the hold', async () => {
    const id = 'r-1';
    expect(await holds.release(releaseOf(id, 'e1'))).toEqual({ outcome: 'not_on_hold' });
    expect((await lockAndCommit(id, 'e0', 'ORDER_CREATED')).outcome).toBe('committed');
    await fail(id, blocker(1));
    await park(id, parkedEntry(2));
    expect(await holds.release(releaseOf(id, 'e2'))).toEqual({ outcome: 'not_blocker', blocker: 'e1' });

    expect(await holds.release(releaseOf(id, 'e1', 'skip'))).toEqual({
      outcome: 'released',
      hold: { outcome: 'advanced', nextBlocker: 'e2' },
    });
    const release = {
      action: 'skip',
      reason: 'forwarder rejects this order for good',
      operator: 'ops@example.com',
      at: NOW,
    };
    const record = await entities.get(KIND, id);
    expect(record?.history.at(-1)).toEqual({
      eventKey: 'e1',
      eventType: 'OFF-RAMP.STEP_1',
      issueDatetime: blocker(1).issueDatetime,
      receivedAt: blocker(1).receivedAt,
      processedAt: NOW,
      outcome: 'released',
      fromStatus: 'ORDER_CREATED',
      toStatus: 'ORDER_CREATED',
      release,
    });
    const ttl = await redis.ttl(keysOf(id).released('e1'));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);

    // e2 is the blocker now. The released e1, if replayed, is decided normally: it may commit while e2 blocks,
    // and failing it holds nothing.
    const loaded = await entities.lockAndLoad(KIND, id, 'e1', 'replay', LOCK_MS);
    expect(loaded).toMatchObject({ outcome: 'locked', released: release, hold: { blocker: 'e2' } });
    expect(await holds.holdOnFailure(KIND, id, 'replay', blocker(1), 1, 'x')).toMatchObject({
      outcome: 'released',
      hold: { blocker: 'e2' },
    });
    expect(await lockAndCommit(id, 'e1', 'ORDER_CREATED', 'late')).toEqual({
      outcome: 'committed',
      hold: { outcome: 'unchanged' },
    });

    expect(await holds.release(releaseOf(id, 'e2', 'discard'))).toEqual({
      outcome: 'released',
      hold: { outcome: 'cleared' },
    });
    expect(await holds.get(KIND, id)).toBeUndefined();
    expect((await entities.get(KIND, id))?.history.map((entry) => entry.outcome)).toEqual([
      'applied',
      'released',
      'late',
      'released',
    ]);
  });

  it('holds nothing when a released event fails on an entity that is not on hold', async () => {
    const id = 'n-1';
    await redis.set(
      keysOf(id).released('e1'),
      JSON.stringify({ action: 'skip', reason: 'r', operator: 'o', at: NOW }),
    );
    expect(await fail(id, blocker(1))).toEqual({ outcome: 'released', hold: undefined });
    expect(await redis.exists(keysOf(id).hold)).toBe(0);
  });

  it('puts the hold keys in the entity hash slot', async () => {
    const keys = entityKeys(prefix, KIND, 'odd}:id{x');
    const slots = await Promise.all(
      [keys.entity, keys.hold, keys.parked, keys.released('a|b')].map((key) =>
        redis.call('CLUSTER', 'KEYSLOT', key),
      ),
    ).catch(() => undefined);
    if (slots !== undefined) expect(new Set(slots).size).toBe(1);
    expect(keys.hold).toBe(`${prefix}:{off-ramp:odd%7D%3Aid%7Bx}:hold`);
  });

  it('indexes the entities on hold, re-dates an advanced hold, and drops stale members when listing', async () => {
    const index = createHoldIndex(redis, prefix);
    await fail('i-1', blocker(1));
    await park('i-1', parkedEntry(2));
    await index.add(KIND, 'i-1', NOW);
    await index.add(KIND, 'i-gone', NOW);
    await redis.zadd(holdsIndexKey(prefix), 1, 'not-a-kind|x');

    const listed = await index.list();
    expect(listed).toEqual([
      { kind: KIND, id: 'i-1', hold: expect.objectContaining({ blocker: 'e1' }) as unknown, parked: 1 },
    ]);
    expect(await redis.zrange(holdsIndexKey(prefix), '0', '-1')).toEqual([`${KIND}|i-1`]);

    await index.apply(
      KIND,
      'i-1',
      { outcome: 'advanced', nextBlocker: 'e2' },
      new Date('2026-03-02T00:00:00Z'),
    );
    expect(Number(await redis.zscore(holdsIndexKey(prefix), `${KIND}|i-1`))).toBe(
      Date.parse('2026-03-02T00:00:00Z'),
    );
    await index.apply(KIND, 'i-1', { outcome: 'unchanged' }, new Date());
    expect(await redis.zcard(holdsIndexKey(prefix))).toBe(1);
    await index.apply(KIND, 'i-1', { outcome: 'cleared' }, new Date());
    expect(await redis.zcard(holdsIndexKey(prefix))).toBe(0);
  });
});
