import { randomUUID } from 'node:crypto';
import { retryDelayMs } from '@ripio-webhooks/core';
import { sampleEvent, toRipioJson } from '@ripio-webhooks/schemas';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { RetryScheduledError } from './errors/retry-scheduled-error.js';
import { QUICK_RETRY, WorkerTestWorld, type StartedWorker } from './worker.test-helpers.js';

const ISSUED = '2026-03-01T10:00:00.000Z';
const LATER = '2026-03-01T10:05:00.000Z';

describe('retries and the dead-letter queue (real Redis, real BullMQ workers)', () => {
  let world: WorkerTestWorld;
  afterEach(async () => {
    await world.close();
  });

  it('retries a handler that fails twice, and advances the status only after it succeeds', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const calls: Array<{ attempt: number; storedStatus: string | undefined }> = [];
    const [{ metrics, worker }] = world.startWorkers(1, {
      concurrency: 2,
      random: () => 0.5,
      handlers: {
        'OFF-RAMP.TRADE.COMPLETED': async ({ attempt }) => {
          const stored = await world.entities.get('off-ramp', entityId);
          calls.push({ attempt, storedStatus: stored?.status });
          if (calls.length <= 2) throw new Error(`downstream unavailable (call ${calls.length})`);
        },
      },
    }) as [StartedWorker];
    const scheduledDelays: number[] = [];
    worker.on('failed', (_job, error) => {
      if (error instanceof RetryScheduledError) scheduledDelays.push(error.delayMs);
    });

    let done = world.completions(1);
    await world.enqueue(sampleEvent('OFF-RAMP.DEPOSIT.RECEIVED', { entityId, issueDatetime: ISSUED }));
    await done;
    done = world.completions(1);
    const trade = await world.enqueue(
      sampleEvent('OFF-RAMP.TRADE.COMPLETED', { entityId, issueDatetime: LATER }),
    );
    await done;

    // Every call, the failing ones and the successful one, saw the status from before the event.
    expect(calls).toEqual([
      { attempt: 1, storedStatus: 'DEPOSIT_RECEIVED' },
      { attempt: 2, storedStatus: 'DEPOSIT_RECEIVED' },
      { attempt: 3, storedStatus: 'DEPOSIT_RECEIVED' },
    ]);
    const record = await world.entities.get('off-ramp', entityId);
    expect(record?.status).toBe('TRADE_COMPLETED');
    expect(record?.version).toBe(2);
    expect(record?.history.map((entry) => entry.outcome)).toEqual(['applied', 'applied']);

    const job = await world.events.getJob(trade.eventKey);
    expect(job?.attemptsMade).toBe(3);
    expect(job?.returnvalue).toEqual({ result: 'committed', outcome: 'applied' });
    expect(job?.data.firstFailedAt).toBeDefined();
    // Core's schedule with random() = 0.5: 10 and 20 ms, each shortened by half of its tenth.
    expect(scheduledDelays).toEqual([1, 2].map((attempt) => retryDelayMs(attempt, QUICK_RETRY, () => 0.5)));
    expect(scheduledDelays).toEqual([9, 19]);
    expect((await metrics.retries.get()).values.find((v) => v.labels.family === 'off-ramp')?.value).toBe(2);
    expect((await metrics.handlerFailures.get()).values[0]).toMatchObject({
      labels: { handler: 'OFF-RAMP.TRADE.COMPLETED' },
      value: 2,
    });
  });

  it('dead-letters an event whose handler always fails, keeps the status, and applies it on replay once fixed', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    let fixed = false;
    let successfulCalls = 0;
    world.startWorkers(1, {
      handlers: {
        'OFF-RAMP.WITHDRAWAL.COMPLETED': () => {
          if (!fixed) throw new Error('ledger rejected the withdrawal');
          successfulCalls += 1;
        },
      },
    });

    let done = world.completions(2);
    await world.enqueue(sampleEvent('OFF-RAMP.DEPOSIT.RECEIVED', { entityId, issueDatetime: ISSUED }));
    const withdrawal = await world.enqueue(
      sampleEvent('OFF-RAMP.WITHDRAWAL.COMPLETED', { entityId, issueDatetime: LATER }),
    );
    await done;

    const entry = await world.deadLetters.get(withdrawal.eventKey);
    expect(entry).toMatchObject({
      id: withdrawal.eventKey,
      eventKey: withdrawal.eventKey,
      eventType: 'OFF-RAMP.WITHDRAWAL.COMPLETED',
      reason: 'handler_failed',
      attemptsMade: QUICK_RETRY.delaysMs.length + 1,
      receivedAt: withdrawal.receivedAt,
    });
    expect(entry?.error).toContain('ledger rejected the withdrawal');
    expect(Date.parse(entry!.firstFailedAt)).toBeLessThanOrEqual(Date.parse(entry!.lastFailedAt));
    expect(entry?.payload).toEqual(JSON.parse(withdrawal.rawBody));
    const before = await world.entities.get('off-ramp', entityId);
    expect(before?.status).toBe('DEPOSIT_RECEIVED');
    expect(before?.history).toHaveLength(1);
    // The job itself completed (the processor dead-lettered it), so it does not sit in the failed set.
    expect(await (await world.events.getJob(withdrawal.eventKey))?.getState()).toBe('completed');

    fixed = true;
    done = world.completions(1);
    expect(await world.deadLetters.replay(withdrawal.eventKey)).toEqual({
      outcome: 'replayed',
      eventKey: withdrawal.eventKey,
      previousOutcome: null,
    });
    // The replayed job carries the receiver's original proof, which the worker checks again.
    expect((await world.events.getJob(withdrawal.eventKey))?.data.proof).toEqual(withdrawal.proof);
    await done;
    const after = await world.entities.get('off-ramp', entityId);
    expect(after?.status).toBe('WITHDRAWAL_COMPLETED');
    expect(successfulCalls).toBe(1);
    expect(await world.deadLetters.get(withdrawal.eventKey)).toBeUndefined();

    // Replaying the same event again goes through dedupe: recorded as a duplicate, handler not called.
    await world.deadLetters.add('OFF-RAMP.WITHDRAWAL.COMPLETED', {
      job: withdrawal,
      reason: 'exhausted',
      error: 'test',
      attemptsMade: 1,
      firstFailedAt: LATER,
      lastFailedAt: LATER,
    });
    done = world.completions(1);
    await world.deadLetters.replay(withdrawal.eventKey);
    await done;
    const final = await world.entities.get('off-ramp', entityId);
    expect(final?.history.map((h) => h.outcome)).toEqual(['applied', 'applied', 'duplicate']);
    expect(final?.version).toBe(2);
    expect(successfulCalls).toBe(1);
  });

  it('dead-letters a handler error marked unrecoverable at once, without retries', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const { UnrecoverableEventError } = await import('./errors/unrecoverable-event-error.js');
    let calls = 0;
    world.startWorkers(1, {
      handlers: {
        'SUPPORT_TICKET.CREATED': () => {
          calls += 1;
          throw new UnrecoverableEventError('ticket system says: malformed');
        },
      },
    });
    const done = world.completions(1);
    const ticket = await world.enqueue(
      sampleEvent('SUPPORT_TICKET.CREATED', { entityId: randomUUID(), issueDatetime: ISSUED }),
    );
    await done;
    expect(calls).toBe(1);
    expect(await world.deadLetters.get(ticket.eventKey)).toMatchObject({
      reason: 'handler_failed',
      attemptsMade: 1,
    });
  });

  it('dead-letters invalid and unknown events at once with their reason', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    let handlerCalls = 0;
    const [{ metrics }] = world.startWorkers(1, {
      handlers: {
        '*': () => {
          handlerCalls += 1;
        },
      },
    }) as [StartedWorker];

    const valid = sampleEvent('OFF-RAMP.DEPOSIT.RECEIVED', { entityId: randomUUID(), issueDatetime: ISSUED });
    const withoutId = {
      ...valid,
      transactionObject: { ...(valid.transactionObject as object), transactionId: 7 },
    };
    const unknownType = { ...valid, eventType: 'OFF-RAMP.TELEPORT.COMPLETED' };
    const done = world.completions(3);
    const notJson = await world.enqueue('{"eventType": "OFF-RAMP.DEPOSIT.RECEIVED", ');
    const invalid = await world.enqueue(toRipioJson(withoutId));
    const unknown = await world.enqueue(toRipioJson(unknownType));
    await done;

    expect(await world.deadLetters.get(notJson.eventKey)).toMatchObject({
      reason: 'invalid',
      attemptsMade: 0,
      eventType: 'unknown',
      payload: notJson.rawBody,
    });
    expect(await world.deadLetters.get(invalid.eventKey)).toMatchObject({
      reason: 'invalid',
      attemptsMade: 0,
    });
    expect((await world.deadLetters.get(invalid.eventKey))?.error).toContain('transactionId');
    expect(await world.deadLetters.get(unknown.eventKey)).toMatchObject({
      reason: 'unknown_type',
      eventType: 'OFF-RAMP.TELEPORT.COMPLETED',
      attemptsMade: 0,
    });
    for (const key of [notJson.eventKey, invalid.eventKey, unknown.eventKey]) {
      // Completed on its first and only attempt.
      expect((await world.events.getJob(key))?.attemptsMade).toBe(1);
    }
    expect(handlerCalls).toBe(0);
    const processed = (await metrics.processed.get()).values;
    expect(processed.filter((v) => v.labels.outcome === 'invalid').reduce((sum, v) => sum + v.value, 0)).toBe(
      2,
    );
    expect(processed.find((v) => v.labels.outcome === 'unknown_type')?.value).toBe(1);
  });

  it('dead-letters an event too deep to store as invalid at once, before any handler runs; one level less applies', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const handled: string[] = [];
    const [{ metrics }] = world.startWorkers(1, {
      handlers: {
        '*': ({ eventKey }) => {
          handled.push(eventKey);
        },
      },
    }) as [StartedWorker];
    // The event's object { transactionId, ..., nested: <levels> }: 1 + levels deep, stored one level further in.
    const withNested = (entityId: string, levels: number) =>
      toRipioJson(sampleEvent('OFF-RAMP.DEPOSIT.RECEIVED', { entityId, issueDatetime: ISSUED })).replace(
        '"transactionObject":{',
        `"transactionObject":{"nested":${'['.repeat(levels)}${']'.repeat(levels)},`,
      );
    const [deepest, tooDeep, veryDeep] = [randomUUID(), randomUUID(), randomUUID()];
    const done = world.completions(3);
    const storable = await world.enqueue(withNested(deepest, 998));
    const oneTooDeep = await world.enqueue(withNested(tooDeep, 999));
    const hundredThousand = await world.enqueue(withNested(veryDeep, 100_000));
    await done;

    for (const [data, entityId] of [
      [oneTooDeep, tooDeep],
      [hundredThousand, veryDeep],
    ] as const) {
      expect(await world.deadLetters.get(data.eventKey)).toMatchObject({
        reason: 'invalid',
        attemptsMade: 0,
      });
      expect((await world.deadLetters.get(data.eventKey))?.error).toContain('deeper than 999 levels');
      expect((await world.events.getJob(data.eventKey))?.attemptsMade).toBe(1);
      expect(await world.entities.get('off-ramp', entityId)).toBeUndefined();
    }
    // Handlers ran only for the storable one, once.
    expect(handled).toEqual([storable.eventKey]);
    expect(await world.deadLetters.get(storable.eventKey)).toBeUndefined();
    expect((await metrics.processed.get()).values.find((v) => v.labels.outcome === 'invalid')?.value).toBe(2);

    // The deepest storable entity takes its next event (the commit script decodes the stored entity).
    const next = world.completions(1);
    await world.enqueue(sampleEvent('OFF-RAMP.TRADE.COMPLETED', { entityId: deepest, issueDatetime: LATER }));
    await next;
    const record = await world.entities.get('off-ramp', deepest);
    expect(record?.status).toBe('TRADE_COMPLETED');
    expect(record?.version).toBe(2);
  });
});
