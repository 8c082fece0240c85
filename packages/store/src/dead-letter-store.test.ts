import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDeadLetterStore, type DeadLetterStore } from './dead-letter-store.js';
import {
  bullPrefix,
  EVENTS_QUEUE,
  eventJobOptions,
  type DeadLetterReason,
  type EventJobData,
} from './queue-definition.js';
import { entityKeys } from './keys.js';
import { openEventsQueue } from './queues.js';
import { TEST_PROOF_KEY, testProof } from './intake-proof.test-helpers.js';
import { checkIntakeProof } from '@ripio-webhooks/core';

function jobData(eventKey: string, rawBody = '{"eventType":"X"}'): EventJobData {
  const receivedAt = '2026-01-01T00:00:00.000Z';
  return {
    rawBody,
    bodySha256: 'sha',
    receivedAt,
    eventKey,
    requestId: `req-${eventKey}`,
    eventType: 'OFF-RAMP.ORDER.CREATED',
    proof: testProof({ rawBody, eventKey, receivedAt }),
  };
}

describe('dead-letter store on a real Redis', () => {
  const redis = new Redis(inject('redisUrl'));
  let prefix: string;
  let store: DeadLetterStore;

  beforeEach(() => {
    prefix = uniquePrefix('dlq');
    store = createDeadLetterStore({
      redis,
      queuePrefix: prefix,
      now: () => new Date('2026-02-01T00:00:00.000Z'),
    });
  });
  afterEach(async () => {
    await store.close();
    await deleteKeysContaining(redis, prefix);
  });
  afterAll(() => redis.disconnect());

  async function addEntry(eventKey: string, reason: DeadLetterReason, eventType = 'OFF-RAMP.ORDER.CREATED') {
    await store.add(eventType, {
      job: { ...jobData(eventKey), firstFailedAt: '2026-01-01T00:00:05.000Z' },
      reason,
      error: `failed: ${eventKey}`,
      attemptsMade: 3,
      firstFailedAt: '2026-01-01T00:00:05.000Z',
      lastFailedAt: '2026-01-01T00:00:09.000Z',
    });
  }

  it('adds an entry once per event key and reads it back with its payload', async () => {
    await addEntry('k1', 'handler_failed');
    await addEntry('k1', 'exhausted');
    const entry = await store.get('k1');
    expect(entry).toEqual({
      id: 'k1',
      eventKey: 'k1',
      eventType: 'OFF-RAMP.ORDER.CREATED',
      reason: 'handler_failed',
      error: 'failed: k1',
      attemptsMade: 3,
      firstFailedAt: '2026-01-01T00:00:05.000Z',
      lastFailedAt: '2026-01-01T00:00:09.000Z',
      deadLetteredAt: '2026-02-01T00:00:00.000Z',
      receivedAt: '2026-01-01T00:00:00.000Z',
      payload: { eventType: 'X' },
    });
    expect(await store.get('nope')).toBeUndefined();
  });

  it('returns a body that is not JSON as the raw string', async () => {
    await store.add('unknown', {
      job: jobData('raw|abc', 'not json{'),
      reason: 'invalid',
      error: 'not JSON',
      attemptsMade: 0,
      firstFailedAt: 'x',
      lastFailedAt: 'x',
    });
    expect((await store.get('raw|abc'))?.payload).toBe('not json{');
  });

  it('lists newest first, filters by reason and event type, and pages with a cursor', async () => {
    for (let n = 0; n < 7; n += 1) {
      await addEntry(`k${n}`, n % 2 === 0 ? 'invalid' : 'exhausted', n < 3 ? 'A' : 'B');
    }
    const all = await store.list({ limit: 100 });
    expect(all.entries.map((e) => e.id)).toEqual(['k6', 'k5', 'k4', 'k3', 'k2', 'k1', 'k0']);
    expect(all.nextCursor).toBeUndefined();

    const first = await store.list({ limit: 3 });
    expect(first.entries.map((e) => e.id)).toEqual(['k6', 'k5', 'k4']);
    expect(first.nextCursor).toBeDefined();
    const second = await store.list({ limit: 3, cursor: first.nextCursor! });
    expect(second.entries.map((e) => e.id)).toEqual(['k3', 'k2', 'k1']);

    const invalid = await store.list({ limit: 100, reason: 'invalid' });
    expect(invalid.entries.map((e) => e.id)).toEqual(['k6', 'k4', 'k2', 'k0']);
    const invalidA = await store.list({ limit: 100, reason: 'invalid', eventType: 'A' });
    expect(invalidA.entries.map((e) => e.id)).toEqual(['k2', 'k0']);
    await expect(store.list({ limit: 1, cursor: 'x' })).rejects.toThrow(RangeError);
  });

  it('replays an entry whose completed job still holds its id, with fresh attempts, and removes the entry', async () => {
    const events = openEventsQueue({ redis, queuePrefix: prefix });
    const workerConnection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    // The worker dead-letters an event by completing its job: the id stays in the completed set.
    const worker = new Worker(EVENTS_QUEUE, () => Promise.resolve('dead-lettered'), {
      connection: workerConnection,
      prefix: bullPrefix(prefix),
    });
    try {
      const completed = new Promise<void>((resolve) => worker.once('completed', () => resolve()));
      await events.add('OFF-RAMP.ORDER.CREATED', jobData('k1'), eventJobOptions('k1'));
      await completed;
      await worker.close();
      expect(await (await events.getJob('k1'))?.getState()).toBe('completed');
      await addEntry('k1', 'handler_failed');

      expect(await store.replay('k1')).toEqual({
        outcome: 'replayed',
        eventKey: 'k1',
        previousOutcome: null,
      });
      const replayed = await events.getJob('k1');
      expect(replayed?.data.replayedAt).toBe('2026-02-01T00:00:00.000Z');
      // The receiver's original proof comes back with the event, and a worker verifies it as before.
      expect(replayed?.data.proof).toEqual(jobData('k1').proof);
      expect(checkIntakeProof(replayed?.data, { proofKeys: [TEST_PROOF_KEY], ripioSecrets: [] })).toEqual({
        outcome: 'valid',
        by: 'receiver_mac',
        keyIndex: 0,
      });
      expect(replayed?.data.firstFailedAt).toBeUndefined();
      expect(replayed?.attemptsMade).toBe(0);
      expect(await replayed?.getState()).toBe('waiting');
      expect(await store.get('k1')).toBeUndefined();
      expect(await store.replay('k1')).toEqual({ outcome: 'missing' });
    } finally {
      await worker.close();
      await events.close();
      workerConnection.disconnect();
    }
  });

  it('says which outcome an entity event already had before it is replayed', async () => {
    const key = 'kyc|c-1|KYC.COMPLETED|sub-1';
    await addEntry(key, 'exhausted');
    await redis.set(entityKeys(prefix, 'kyc', 'c-1').seen(key), 'applied');
    expect(await store.replay(key)).toEqual({
      outcome: 'replayed',
      eventKey: key,
      previousOutcome: 'applied',
    });
    const never = 'kyc|c-2|KYC.COMPLETED|sub-1';
    await addEntry(never, 'exhausted');
    expect(await store.replay(never)).toEqual({
      outcome: 'replayed',
      eventKey: never,
      previousOutcome: null,
    });
  });

  it('replays many by filter, says when more match, and removes single entries', async () => {
    for (let n = 0; n < 5; n += 1) await addEntry(`k${n}`, n < 3 ? 'unknown_type' : 'exhausted');
    const first = await store.replayMany({ reason: 'unknown_type' }, 2);
    expect(first).toMatchObject({ replayed: 2, missing: 0, more: true });
    const rest = await store.replayMany({ reason: 'unknown_type' }, 10);
    expect(rest).toMatchObject({ replayed: 1, missing: 0, more: false });
    const results = [...first.results, ...rest.results];
    expect(results.map((r) => r.id).sort()).toEqual(['k0', 'k1', 'k2']);
    expect(results.every((r) => r.outcome === 'replayed')).toBe(true);
    expect((await store.list({ limit: 10 })).entries.map((e) => e.id)).toEqual(['k4', 'k3']);

    expect(await store.remove('k4')).toBe(true);
    expect(await store.remove('k4')).toBe(false);
    expect((await store.replayMany({}, 10)).results.map((r) => r.id)).toEqual(['k3']);
  });

  it('replays many in arrival order (receivedAt, then issueDatetime), the oldest first, whatever order they were dead-lettered in', async () => {
    const events = openEventsQueue({ redis, queuePrefix: prefix });
    try {
      // [key, receivedAt second, issueDatetime second], in the order they were dead-lettered.
      const entries: Array<[string, number, number]> = [
        ['c', 3, 3],
        ['a', 1, 1],
        ['e', 5, 5],
        ['b2', 2, 9],
        ['b1', 2, 8],
        ['d', 4, 4],
      ];
      for (const [key, received, issued] of entries) {
        const at = (second: number) => `2026-01-01T00:00:0${second}.000Z`;
        const body = JSON.stringify({
          eventType: 'OFF-RAMP.ORDER.CREATED',
          issueDatetime: `2026-01-01T00:00:1${issued % 10}.000Z`,
        });
        await store.add('OFF-RAMP.ORDER.CREATED', {
          job: { ...jobData(key, body), receivedAt: at(received) },
          reason: 'exhausted',
          error: 'down',
          attemptsMade: 3,
          firstFailedAt: at(received),
          lastFailedAt: at(received),
        });
      }
      // At most 4: the 4 oldest.
      const first = await store.replayMany({}, 4);
      expect(first.results.map((r) => r.id)).toEqual(['a', 'b1', 'b2', 'c']);
      const rest = await store.replayMany({ reason: 'exhausted' }, 10);
      expect(rest.results.map((r) => r.id)).toEqual(['d', 'e']);
      // The events queue got them in that order: the oldest is processed first.
      const waiting = await events.getJobs(['wait'], 0, -1, true);
      expect(waiting.map((job) => job.id)).toEqual(['a', 'b1', 'b2', 'c', 'd', 'e']);
    } finally {
      await events.close();
    }
  });
});
