import { randomUUID } from 'node:crypto';
import type { HandledOutcome, HistoryRecord } from '@ripio-webhooks/handlers';
import { parseEvent, sampleEvent, toRipioJson } from '@ripio-webhooks/schemas';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { WorkerTestWorld, type StartedWorker } from './worker.test-helpers.js';

const at = (minute: number): string => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

function objectOf(body: object): Record<string, unknown> {
  const parsed = parseEvent(body);
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  return parsed.event.object;
}

describe('every event keeps its data in the history (real Redis, real BullMQ workers)', () => {
  let world: WorkerTestWorld;
  afterEach(async () => {
    await world.close();
  });

  /** Delivers the bodies one at a time, each processed before the next is enqueued. */
  async function deliver(...bodies: Array<object | string>): Promise<void> {
    for (const body of bodies) {
      const done = world.completions(1);
      await world.enqueue(body);
      await done;
    }
  }

  it('keeps a late TRADE.COMPLETED with its amounts and rate, and a handler reads earlier events from history', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const historyAtWithdrawal: HistoryRecord[][] = [];
    world.startWorkers(1, {
      handlers: {
        'OFF-RAMP.WITHDRAWAL.COMPLETED': ({ history }) => {
          historyAtWithdrawal.push([...history]);
        },
      },
    });
    const deposit = sampleEvent('OFF-RAMP.DEPOSIT.RECEIVED', { entityId, issueDatetime: at(0) });
    const withdrawal = sampleEvent('OFF-RAMP.WITHDRAWAL.COMPLETED', { entityId, issueDatetime: at(20) });
    const trade = sampleEvent('OFF-RAMP.TRADE.COMPLETED', {
      entityId,
      issueDatetime: at(5),
      overrides: { finalAmount: '123456.78', rate: '1234.5' },
    });
    await deliver(deposit, withdrawal, trade);

    const record = await world.entities.get('off-ramp', entityId);
    expect(record?.status).toBe('WITHDRAWAL_COMPLETED');
    const late = record?.history.find((entry) => entry.eventType === 'OFF-RAMP.TRADE.COMPLETED');
    expect(late).toMatchObject({ outcome: 'late', payload: objectOf(trade), cycle: 1 });
    expect(late?.payload).toMatchObject({ finalAmount: '123456.78', rate: '1234.5' });
    expect(record?.history.map((entry) => entry.payload)).toEqual([
      objectOf(deposit),
      objectOf(withdrawal),
      objectOf(trade),
    ]);
    // The withdrawal's handler saw the deposit's entry, with what Ripio sent in it.
    expect(historyAtWithdrawal).toHaveLength(1);
    expect(historyAtWithdrawal[0]).toEqual([
      expect.objectContaining({
        eventType: 'OFF-RAMP.DEPOSIT.RECEIVED',
        outcome: 'applied',
        payload: objectOf(deposit),
      }),
    ]);
  });

  it('makes a conflict visible on the entity, keeps its payload, and counts it by kind and reason', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const handled: string[] = [];
    const [{ metrics }] = world.startWorkers(1, {
      handlers: { '*': ({ event }) => void handled.push(event.eventType) },
    }) as [StartedWorker];
    const cancel = sampleEvent('OFF-RAMP.ORDER.CANCELLED', { entityId, issueDatetime: at(30) });
    await deliver(
      sampleEvent('OFF-RAMP.DEPOSIT.RECEIVED', { entityId, issueDatetime: at(0) }),
      sampleEvent('OFF-RAMP.TRADE.COMPLETED', { entityId, issueDatetime: at(5) }),
      sampleEvent('OFF-RAMP.WITHDRAWAL.PROCESSING', { entityId, issueDatetime: at(10) }),
      sampleEvent('OFF-RAMP.WITHDRAWAL.COMPLETED', { entityId, issueDatetime: at(20) }),
      cancel,
    );

    const record = await world.entities.get('off-ramp', entityId);
    expect(record?.status).toBe('WITHDRAWAL_COMPLETED');
    expect(record?.conflicts).toBe(1);
    expect(record?.lastConflict).toMatchObject({
      eventType: 'OFF-RAMP.ORDER.CANCELLED',
      reason: 'contradicts_status',
      status: 'WITHDRAWAL_COMPLETED',
      eventStatus: 'ORDER_CANCELLED',
    });
    expect(record?.history.at(-1)).toMatchObject({
      outcome: 'conflict',
      conflictReason: 'contradicts_status',
      payload: objectOf(cancel),
    });
    const counted = (await metrics.conflicts.get()).values;
    expect(
      counted.find((v) => v.labels.kind === 'off-ramp' && v.labels.reason === 'contradicts_status'),
    ).toMatchObject({ value: 1 });
    expect(counted.filter((v) => v.value > 0)).toHaveLength(1);
    // Without HANDLE_CONFLICTS the conflict ran no handler.
    expect(handled).not.toContain('OFF-RAMP.ORDER.CANCELLED');
  });

  it.each([
    [true, ['applied', 'applied', 'late']],
    [false, ['applied', 'applied']],
  ] as const)('HANDLE_LATE=%s: the late event reaches the handlers (%j)', async (handleLate, expected) => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const calls: Array<{ outcome: HandledOutcome; status: string }> = [];
    world.startWorkers(1, {
      handleLate,
      handlers: { '*': ({ outcome, after }) => void calls.push({ outcome, status: after.status }) },
    });
    await deliver(
      sampleEvent('OFF-RAMP.DEPOSIT.RECEIVED', { entityId, issueDatetime: at(0) }),
      sampleEvent('OFF-RAMP.WITHDRAWAL.COMPLETED', { entityId, issueDatetime: at(20) }),
      sampleEvent('OFF-RAMP.TRADE.COMPLETED', { entityId, issueDatetime: at(5) }),
    );
    expect(calls.map((call) => call.outcome)).toEqual(expected);
    // A late event leaves the status where it was.
    expect(calls.at(-1)?.status).toBe('WITHDRAWAL_COMPLETED');
    const record = await world.entities.get('off-ramp', entityId);
    expect(record?.history.map((entry) => entry.outcome)).toEqual(['applied', 'applied', 'late']);
  });

  it('keeps no payload for an exact redelivery, and the raw body of a resend that adds refundTxnHash', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const refunds: string[] = [];
    world.startWorkers(1, {
      handlers: {
        'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING': ({ eventKey }) => void refunds.push(eventKey),
      },
    });
    const options = { entityId, discriminator: 'deposit-1' };
    const refund = sampleEvent('SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING', {
      ...options,
      issueDatetime: at(5),
    });
    const resend: object = {
      ...refund,
      transaction: { ...(refund.transaction as object), refundTxnHash: '0xrefund' },
    };
    await deliver(sampleEvent('SELL_AND_PAY.DEPOSIT.RECEIVED', { ...options, issueDatetime: at(0) }));
    // Each copy in its own job, as a redelivery after the first job left the queue: the worker's dedupe guards.
    let copy = 0;
    for (const body of [refund, refund, resend]) {
      const processed = world.completions(1);
      await world.enqueue(body, { copy: copy++ });
      await processed;
    }

    const record = await world.entities.get('sell-and-pay', entityId);
    const entries = record!.history.filter((entry) => entry.eventType.endsWith('REFUND_PROCESSING'));
    expect(entries.map((entry) => entry.outcome)).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(entries[0]?.payload).toEqual(objectOf(refund));
    expect(entries[1]).not.toHaveProperty('payload');
    expect(entries[1]).not.toHaveProperty('rawBody');
    expect(entries[2]).not.toHaveProperty('payload');
    expect(entries[2]?.rawBody).toBe(toRipioJson(resend));
    expect(refunds).toHaveLength(1);
  });
});
