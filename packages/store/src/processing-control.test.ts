import { CLOSED, stepBreaker } from '@ripio-webhooks/core';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BREAKER_STATE_TTL_MS, createBreakerStore } from './breaker-store.js';
import { breakerKey } from './keys.js';
import { createProcessingControl, type ProcessingControl } from './processing-control.js';
import { openEventsQueue } from './queues.js';

const timings = { openMs: 5_000 };

describe('processing pause and the shared breaker state (casBreaker-1, on a real Redis)', () => {
  let redis: Redis;
  let other: Redis;
  let prefix: string;
  let control: ProcessingControl;

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
    other = new Redis(inject('redisUrl'));
    prefix = uniquePrefix('processing');
    control = createProcessingControl(redis, prefix);
  });
  afterAll(async () => {
    await control.close();
    await deleteKeysContaining(redis, prefix);
    redis.disconnect();
    other.disconnect();
  });

  it('pause stops the events queue with its reason, resume starts it again and forgets the reason', async () => {
    const events = openEventsQueue({ redis: other, queuePrefix: prefix });
    try {
      expect(await control.status()).toEqual({ paused: false, breaker: CLOSED });
      const paused = await control.pause({
        reason: 'ledger migration',
        nowMs: Date.parse('2026-03-01T10:00:00Z'),
      });
      expect(paused).toEqual({
        paused: true,
        pause: { reason: 'ledger migration', since: '2026-03-01T10:00:00.000Z' },
        breaker: CLOSED,
      });
      // The queue itself is paused (what every worker obeys), seen from another connection.
      expect(await events.isPaused()).toBe(true);
      // Intake goes on while paused.
      await events.add('KYC.COMPLETED', {} as never, { jobId: 'while-paused' });
      expect(await events.getJobCountByTypes('wait')).toBe(1);
      expect(await control.resume()).toEqual({ paused: false, breaker: CLOSED });
      expect(await events.isPaused()).toBe(false);
    } finally {
      await events.close();
    }
  });

  it('a pause without a reason records null', async () => {
    const paused = await control.pause({ nowMs: 0 });
    expect(paused.pause).toEqual({ reason: null, since: '1970-01-01T00:00:00.000Z' });
    await control.resume();
  });

  it('one worker opening the breaker is seen by another; the key lives the open time plus a day', async () => {
    const mine = createBreakerStore(redis, prefix);
    const theirs = createBreakerStore(other, prefix);
    const now = Date.now();
    const { state } = await mine.update(
      (current) => ({
        ...stepBreaker(current, { type: 'trip', nowMs: now, reason: 'r' }, timings),
        result: 0,
      }),
      now,
    );
    expect(await theirs.read()).toEqual(state);
    expect((await control.status()).breaker).toEqual(state);
    const ttl = await redis.pttl(breakerKey(prefix));
    expect(ttl).toBeGreaterThan(BREAKER_STATE_TTL_MS);
    expect(ttl).toBeLessThanOrEqual(BREAKER_STATE_TTL_MS + timings.openMs);
  });

  it('two workers asking for the probe at once: exactly one gets it', async () => {
    const mine = createBreakerStore(redis, prefix);
    const theirs = createBreakerStore(other, prefix);
    const later = Date.now() + 60_000; // past the open time: half-open
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd'].map((token, index) =>
        (index % 2 === 0 ? mine : theirs).update((current) => {
          const next = stepBreaker(current, { type: 'admit', nowMs: later, token, leaseMs: 1_000 }, timings);
          return { state: next.state, result: next.admission?.kind };
        }, later),
      ),
    );
    expect(answers.map((answer) => answer.result).sort()).toEqual([
      'hold_off',
      'hold_off',
      'hold_off',
      'probe',
    ]);
    const stored = await mine.read();
    if (stored?.mode !== 'half_open' || stored.probe === undefined) throw new Error('no probe stored');
    // The probe's success closes it for everyone: the key is gone.
    await theirs.update(
      (current) => ({
        ...stepBreaker(current, { type: 'probe_succeeded', token: stored.probe?.token ?? '' }, timings),
        result: 0,
      }),
      later,
    );
    expect(await redis.exists(breakerKey(prefix))).toBe(0);
    expect(await mine.read()).toEqual(CLOSED);
  });

  it('an unreadable stored state counts as closed', async () => {
    await redis.set(breakerKey(prefix), '{not json');
    expect(await createBreakerStore(other, prefix).read()).toEqual(CLOSED);
    await redis.del(breakerKey(prefix));
  });
});
