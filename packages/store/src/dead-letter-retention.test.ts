import { eventKeyOfIdentity } from '@ripio-webhooks/schemas';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { blocksEntityHold, removeExpiredDeadLetters } from './dead-letter-retention.js';
import type { DeadLetterEntry } from '@ripio-webhooks/contracts';
import { createDeadLetterStore } from './dead-letter-store.js';
import { testProof } from './intake-proof.test-helpers.js';
import { entityTag } from './keys.js';

const DAY_MS = 86_400_000;
const NOW_MS = Date.parse('2026-06-01T00:00:00.000Z');

/** The event key of an account's `ACCOUNT.CLOSED` (a type keyed by the entity alone). */
function accountClosedKey(customerId: string): string {
  return eventKeyOfIdentity({
    kind: 'account',
    entityId: customerId,
    eventType: 'ACCOUNT.CLOSED',
    discriminator: undefined,
    issueDatetime: undefined,
  });
}

describe('dead-letter retention on a real Redis', () => {
  const redis = new Redis(inject('redisUrl'));
  let prefix: string;

  beforeEach(() => {
    prefix = uniquePrefix('dlq-retention');
  });
  afterEach(async () => {
    await deleteKeysContaining(redis, prefix);
  });
  afterAll(() => redis.disconnect());

  /** Dead-letters one event `ageDays` days before NOW_MS. */
  async function deadLetter(eventKey: string, ageDays: number): Promise<void> {
    const store = createDeadLetterStore({
      redis,
      queuePrefix: prefix,
      now: () => new Date(NOW_MS - ageDays * DAY_MS),
    });
    const receivedAt = new Date(NOW_MS - ageDays * DAY_MS).toISOString();
    await store.add('ACCOUNT.CLOSED', {
      job: {
        rawBody: '{}',
        bodySha256: 'sha',
        receivedAt,
        eventKey,
        requestId: `req-${eventKey}`,
        eventType: 'ACCOUNT.CLOSED',
        proof: testProof({ rawBody: '{}', eventKey, receivedAt }),
      },
      reason: 'handler_failed',
      error: 'downstream down',
      attemptsMade: 10,
      firstFailedAt: new Date(NOW_MS - ageDays * DAY_MS).toISOString(),
      lastFailedAt: new Date(NOW_MS - ageDays * DAY_MS).toISOString(),
    });
    await store.close();
  }

  async function remainingKeys(): Promise<string[]> {
    const store = createDeadLetterStore({ redis, queuePrefix: prefix });
    const page = await store.list({ limit: 100 });
    await store.close();
    return page.entries.map((entry) => entry.eventKey).sort();
  }

  function holdKey(customerId: string): string {
    return `${prefix}:${entityTag('account', customerId)}:hold`;
  }

  it('removes entries older than the cutoff, keeps younger ones, and reports each removal', async () => {
    const [old1, old2, young] = [
      accountClosedKey('c-old-1'),
      accountClosedKey('c-old-2'),
      accountClosedKey('c-young'),
    ];
    await deadLetter(old1, 45);
    await deadLetter(old2, 31);
    await deadLetter(young, 29);
    const heard: DeadLetterEntry[] = [];
    const report = await removeExpiredDeadLetters(
      { redis, queuePrefix: prefix },
      { olderThan: new Date(NOW_MS - 30 * DAY_MS), onRemoved: (entry) => heard.push(entry) },
    );
    expect(report.removed.map((entry) => entry.eventKey)).toEqual([old1, old2]);
    expect(heard).toEqual(report.removed);
    expect(report).toMatchObject({ keptForHold: 0, more: false });
    expect(await remainingKeys()).toEqual([young]);
    // Nothing left to remove: a second sweep (or another worker's) removes nothing.
    const again = await removeExpiredDeadLetters(
      { redis, queuePrefix: prefix },
      { olderThan: new Date(NOW_MS - 30 * DAY_MS) },
    );
    expect(again.removed).toEqual([]);
  });

  it('keeps an old entry whose event blocks its entity hold, and removes it once the hold moves on', async () => {
    const blocker = accountClosedKey('c-held');
    const other = accountClosedKey('c-free');
    await deadLetter(blocker, 60);
    await deadLetter(other, 50);
    await redis.set(holdKey('c-held'), JSON.stringify({ blocker, state: 'dead_lettered' }));
    const olderThan = new Date(NOW_MS - 30 * DAY_MS);

    const first = await removeExpiredDeadLetters({ redis, queuePrefix: prefix }, { olderThan });
    expect(first.removed.map((entry) => entry.eventKey)).toEqual([other]);
    expect(first.keptForHold).toBe(1);
    expect(await remainingKeys()).toEqual([blocker]);

    // Another event blocks the entity now (the hold was released past this one).
    await redis.set(holdKey('c-held'), JSON.stringify({ blocker: `${blocker}-next`, state: 'draining' }));
    const second = await removeExpiredDeadLetters({ redis, queuePrefix: prefix }, { olderThan });
    expect(second.removed.map((entry) => entry.eventKey)).toEqual([blocker]);
    expect(await remainingKeys()).toEqual([]);
  });

  it('walks past held entries to reach older-than-cutoff ones behind them, and stops at maxScanned', async () => {
    const keys = ['a', 'b', 'c', 'd'].map((id) => accountClosedKey(`c-${id}`));
    for (const [index, key] of keys.entries()) await deadLetter(key, 90 - index);
    await redis.set(holdKey('c-a'), JSON.stringify({ blocker: keys[0] }));
    const olderThan = new Date(NOW_MS - 30 * DAY_MS);

    const bounded = await removeExpiredDeadLetters(
      { redis, queuePrefix: prefix },
      { olderThan, maxScanned: 2 },
    );
    expect(bounded).toMatchObject({ keptForHold: 1, more: true });
    expect(bounded.removed.map((entry) => entry.eventKey)).toEqual([keys[1]]);
    const rest = await removeExpiredDeadLetters({ redis, queuePrefix: prefix }, { olderThan });
    expect(rest.removed.map((entry) => entry.eventKey)).toEqual([keys[2], keys[3]]);
    expect(await remainingKeys()).toEqual([keys[0]]);
  });

  it('tells a blocker from other events, and counts an unreadable hold as held', async () => {
    const key = accountClosedKey('c-1');
    expect(await blocksEntityHold(redis, prefix, key)).toBe(false);
    await redis.set(holdKey('c-1'), JSON.stringify({ blocker: key }));
    expect(await blocksEntityHold(redis, prefix, key)).toBe(true);
    await redis.set(holdKey('c-1'), JSON.stringify({ blocker: 'account|c-1|ACCOUNT.OTHER' }));
    expect(await blocksEntityHold(redis, prefix, key)).toBe(false);
    await redis.set(holdKey('c-1'), 'not json');
    expect(await blocksEntityHold(redis, prefix, key)).toBe(true);
    // A raw key (an unparseable body) belongs to no entity.
    expect(await blocksEntityHold(redis, prefix, 'raw|abc')).toBe(false);
  });
});
