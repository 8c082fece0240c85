import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDeadLetterStore } from './dead-letter-store.js';
import { eventJobOptions } from './queue-definition.js';
import { openEventsQueue } from './queues.js';
import { testProof } from './intake-proof.test-helpers.js';
import { readQueueSnapshot } from './queue-snapshot.js';

describe('stats and queue snapshot on a real Redis', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = uniquePrefix('stats');
  afterAll(async () => {
    await deleteKeysContaining(redis, prefix);
    redis.disconnect();
  });

  it('reads job counts, the oldest waiting age, dead letters by reason and used memory', async () => {
    const events = openEventsQueue({ redis, queuePrefix: prefix });
    const deadLetters = createDeadLetterStore({ redis, queuePrefix: prefix });
    try {
      const data = (eventKey: string) => ({
        rawBody: '{}',
        bodySha256: 's',
        receivedAt: 'x',
        requestId: 'r',
        eventType: null,
        eventKey,
        proof: testProof({ rawBody: '{}', eventKey, receivedAt: 'x' }),
      });
      await events.add('unknown', data('e1'), { ...eventJobOptions('e1'), timestamp: 1_000_000 });
      await events.add('unknown', data('e2'), eventJobOptions('e2'));
      for (const [key, reason] of [
        ['d1', 'invalid'],
        ['d2', 'invalid'],
        ['d3', 'handler_failed'],
      ] as const) {
        await deadLetters.add('unknown', {
          job: data(key),
          reason,
          error: 'e',
          attemptsMade: 1,
          firstFailedAt: 'x',
          lastFailedAt: 'x',
        });
      }
      const snapshot = await readQueueSnapshot({ redis, queuePrefix: prefix, now: () => 1_010_000 });
      expect(snapshot.events.waiting).toBe(2);
      expect(snapshot.events.active).toBe(0);
      expect(snapshot.deadLetter.waiting).toBe(3);
      expect(snapshot.oldestWaitingAgeSeconds).toBe(10);
      expect(snapshot.oldestBacklogAgeSeconds).toEqual({ waiting: 10, delayed: 0, prioritized: 0 });
      expect(snapshot.deadLetterOldestAgeSeconds).toBe(0);
      expect(snapshot.deadLetterByReason).toEqual({
        invalid: 2,
        unknown_type: 0,
        unsigned: 0,
        handler_failed: 1,
        exhausted: 0,
      });
      expect(snapshot.deadLetterByReasonTruncated).toBe(false);
      expect(snapshot.redisUsedMemoryBytes).toBeGreaterThan(0);
      const [, maxmemory] = (await redis.config('GET', 'maxmemory')) as [string, string];
      expect(snapshot.redisMaxMemoryBytes).toBe(Number(maxmemory));
    } finally {
      await events.close();
      await deadLetters.close();
    }
  });

  it('reads the oldest age of the delayed and prioritized jobs too, by when each job was first added', async () => {
    const backlogPrefix = uniquePrefix('stats-backlog');
    const events = openEventsQueue({ redis, queuePrefix: backlogPrefix });
    try {
      const data = (eventKey: string) => ({
        rawBody: '{}',
        bodySha256: 's',
        receivedAt: 'x',
        requestId: 'r',
        eventType: null,
        eventKey,
        proof: testProof({ rawBody: '{}', eventKey, receivedAt: 'x' }),
      });
      const now = Date.now();
      // More delayed jobs than the snapshot reads from each end of the set. The oldest one (a retry that failed
      // most often) is due last; the newest is due first.
      const count = 2_100;
      await events.addBulk(
        Array.from({ length: count }, (_, index) => ({
          name: 'unknown',
          data: data(`d${index}`),
          opts: {
            ...eventJobOptions(`d${index}`),
            timestamp: now - 60_000 - index * 1_000,
            delay: 3_600_000 + index * 1_000,
          },
        })),
      );
      await events.add('unknown', data('p1'), {
        ...eventJobOptions('p1'),
        priority: 5,
        timestamp: now - 30_000,
      });
      await events.add('unknown', data('p2'), {
        ...eventJobOptions('p2'),
        priority: 1,
        timestamp: now - 5_000,
      });
      const snapshot = await readQueueSnapshot({ redis, queuePrefix: backlogPrefix, now: () => now });
      expect(snapshot.events.delayed).toBe(count);
      expect(snapshot.events.prioritized).toBe(2);
      expect(snapshot.oldestBacklogAgeSeconds).toEqual({
        waiting: 0,
        delayed: 60 + (count - 1),
        prioritized: 30,
      });
    } finally {
      await events.close();
      await deleteKeysContaining(redis, backlogPrefix);
    }
  });
});
