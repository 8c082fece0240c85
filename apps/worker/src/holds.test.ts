import { randomUUID } from 'node:crypto';
import { sampleEvent, type EventType } from '@ripio-webhooks/schemas';
import { createHoldIndex, createHoldStore, type HoldRecord } from '@ripio-webhooks/store';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { WorkerTestWorld, type StartedWorker } from './worker.test-helpers.js';

const at = (minute: number): string => `2026-03-01T10:0${minute}:00.000Z`;
// Rechecks an hour away: a parked event that runs at all was woken by the blocker's commit.
const NO_RECHECK = { minMs: 3_600_000, maxMs: 3_600_000 };
const FLOW: EventType[] = [
  'OFF-RAMP.DEPOSIT.RECEIVED',
  'OFF-RAMP.TRADE.COMPLETED',
  'OFF-RAMP.WITHDRAWAL.COMPLETED',
];

describe('entity holds in the worker (real Redis, real BullMQ workers)', () => {
  let world: WorkerTestWorld;
  afterEach(async () => {
    await world.close();
  });

  /** Bounded poll of the entity's hold until `done` says so (the worker parks asynchronously). */
  async function holdUntil(id: string, done: (record: HoldRecord | undefined) => boolean) {
    const holds = createHoldStore({ redis: world.redis, queuePrefix: world.prefix });
    for (let poll = 0; poll < 400; poll += 1) {
      const record = await holds.get('off-ramp', id);
      if (done(record)) return record;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`the hold of ${id} never reached the expected state`);
  }

  /** A worker whose handlers record the event types they completed, in order, and fail while `failing` says so. */
  function startRecordingWorker(failing: (eventType: string) => boolean, maxAttempts: number) {
    const ran: string[] = [];
    const handler = ({ event }: { event: { eventType: string } }) => {
      if (failing(event.eventType)) {
        return Promise.reject(new Error(`downstream down for ${event.eventType}`));
      }
      ran.push(event.eventType);
      return Promise.resolve();
    };
    const [started] = world.startWorkers(1, {
      concurrency: 4,
      retry: { delaysMs: Array.from({ length: maxAttempts - 1 }, () => 20) },
      parkRecheck: NO_RECHECK,
      handlers: Object.fromEntries(FLOW.map((type) => [type, handler])),
    }) as [StartedWorker];
    const firstFailure = new Promise<void>((resolve) => started.worker.once('failed', () => resolve()));
    return { ran, started, firstFailure };
  }

  it('parks a later event behind a retrying one and applies it after, in order, spending no attempt', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const id = randomUUID();
    let depositFailures = 0;
    const { ran, started, firstFailure } = startRecordingWorker((type) => {
      if (type !== FLOW[0] || depositFailures >= 2) return false;
      depositFailures += 1;
      return true;
    }, 5);

    const done = world.completions(2);
    await world.enqueue(sampleEvent(FLOW[0]!, { entityId: id, issueDatetime: at(0) }));
    await firstFailure;
    const trade = await world.enqueue(sampleEvent(FLOW[1]!, { entityId: id, issueDatetime: at(1) }));
    await done;

    expect(ran).toEqual([FLOW[0], FLOW[1]]);
    const record = await world.entities.get('off-ramp', id);
    expect(record?.history.map((entry) => [entry.eventType, entry.outcome])).toEqual([
      [FLOW[0], 'applied'],
      [FLOW[1], 'applied'],
    ]);
    expect(await holdUntil(id, () => true)).toBeUndefined();
    expect(await createHoldIndex(world.redis, world.prefix).list()).toEqual([]);
    // Parked (maybe after a lock wait), then run once: waiting spent no attempt (the completed run is the one).
    const tradeJob = await world.events.getJob(trade.eventKey);
    expect(tradeJob?.attemptsMade).toBe(1);
    expect(tradeJob?.attemptsStarted).toBeGreaterThanOrEqual(2);
    const parkedCount = (await started.metrics.processed.get()).values.find(
      (v) => v.labels.outcome === 'parked',
    );
    expect(parkedCount?.value).toBe(1);
  });

  it('keeps the entity on hold behind a dead-lettered event; its replay applies it, then the parked events in order', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const id = randomUUID();
    let fixed = false;
    const { ran, firstFailure } = startRecordingWorker((type) => type === FLOW[0] && !fixed, 2);

    const deadLettered = world.completions(1);
    const deposit = await world.enqueue(sampleEvent(FLOW[0]!, { entityId: id, issueDatetime: at(0) }), {
      receivedAt: at(3),
    });
    await firstFailure;
    // Enqueued in flow order while the deposit fails; the last one first arrives, then the trade, received earlier.
    const withdrawal = await world.enqueue(sampleEvent(FLOW[2]!, { entityId: id, issueDatetime: at(2) }), {
      receivedAt: at(5),
    });
    const trade = await world.enqueue(sampleEvent(FLOW[1]!, { entityId: id, issueDatetime: at(1) }), {
      receivedAt: at(4),
    });
    await deadLettered;
    const held = await holdUntil(
      id,
      (record) => record?.hold.state === 'dead_lettered' && record.parked.length === 2,
    );
    // Parked in arrival order, whatever order they were parked in.
    expect(held?.parked.map((entry) => entry.eventKey)).toEqual([trade.eventKey, withdrawal.eventKey]);
    expect(held?.hold.blocker).toBe(deposit.eventKey);
    expect(ran).toEqual([]);
    expect(await world.entities.get('off-ramp', id)).toBeUndefined();

    fixed = true;
    const drained = world.completions(3);
    expect(await world.deadLetters.replay(deposit.eventKey)).toEqual({
      outcome: 'replayed',
      eventKey: deposit.eventKey,
      previousOutcome: null,
    });
    await drained;
    expect(ran).toEqual(FLOW);
    const record = await world.entities.get('off-ramp', id);
    expect(record?.history.map((entry) => entry.outcome)).toEqual(['applied', 'applied', 'applied']);
    expect(record?.status).toBe('WITHDRAWAL_COMPLETED');
    expect(await holdUntil(id, () => true)).toBeUndefined();
  });
});
