import { cancelRedrive } from '@ripio-webhooks/event-log';
import { sampleEvent, type WireEventName } from '@ripio-webhooks/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerContext } from '@ripio-webhooks/handlers';
import { RedriveWorld, type LoggedEvent } from './redrive.test-helpers.js';

let world: RedriveWorld;
beforeAll(async () => {
  world = await RedriveWorld.open();
});
afterAll(async () => {
  await world.close();
});

const DAY = '2026-11-10T';
const event = (type: WireEventName, entityId: string, time: string, status: string, version: number) =>
  ({
    body: sampleEvent(type, { entityId, issueDatetime: `${DAY}${time}Z` }),
    status,
    version,
  }) satisfies LoggedEvent;

/** `count` KYC entities, one completed event each, issued at `time` on the test day. */
function kycEvents(prefix: string, count: number, time: string): LoggedEvent[] {
  return Array.from({ length: count }, (_, index) =>
    event('KYC.COMPLETED', `${prefix}-${String(index).padStart(3, '0')}`, time, 'COMPLETED', 1),
  );
}

describe('re-drive', () => {
  it('runs the handlers again with redrive: true, records each run, and leaves the entity byte-identical', async () => {
    const offRamp = [
      event('OFF-RAMP.DEPOSIT.RECEIVED', 'or-1', '10:00:00', 'DEPOSIT_RECEIVED', 1),
      event('OFF-RAMP.TRADE.COMPLETED', 'or-1', '10:05:00', 'TRADE_COMPLETED', 2),
    ];
    // The entity really processed first: its state and history in Redis.
    world.world.startWorkers(1);
    for (const { body } of offRamp) await world.world.enqueue(body);
    await world.world.completions(2);
    const keys = await world.log(offRamp);
    const before = await world.entitySnapshot();
    expect(Object.keys(before).length).toBeGreaterThan(1);

    const calls: Omit<HandlerContext, 'signal'>[] = [];
    const consumer = world.startConsumer({
      '*': (context) => void calls.push(context),
      'OFF-RAMP.TRADE.COMPLETED': () => Promise.reject(new Error('ledger down')),
    });
    const id = await world.redrive({ entityId: 'or-1' });
    const done = await world.until(id, (redrive) => redrive.state === 'done');
    await consumer.close();

    expect(calls.map((call) => [call.eventKey, call.redrive, call.outcome])).toEqual([
      [keys[0], true, 'applied'],
      [keys[1], true, 'applied'],
    ]);
    const trade = calls[1];
    expect(trade?.event.eventType).toBe('OFF-RAMP.TRADE.COMPLETED');
    expect(trade?.before?.status).toBe('DEPOSIT_RECEIVED');
    expect(trade?.after).toMatchObject({ status: 'TRADE_COMPLETED', version: 2 });
    expect(trade?.history.map((entry) => [entry.eventKey, entry.toStatus])).toEqual([
      [keys[0], 'DEPOSIT_RECEIVED'],
    ]);
    expect(calls[0]?.before).toBeUndefined();

    expect(done).toMatchObject({ total: 2, done: 1, failed: 1, remaining: 0, requestedBy: 'test-operator' });
    const runs = done.runs.map((run) => [run.eventKey, run.handler, run.result, run.error]);
    expect(runs.sort()).toEqual(
      [
        [keys[0], '*', 'ok', null],
        [keys[1], '*', 'ok', null],
        [keys[1], 'OFF-RAMP.TRADE.COMPLETED', 'failed', 'ledger down'],
      ].sort(),
    );
    for (const run of done.runs) {
      expect(Date.parse(run.at)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
    }
    const marks = await world.pool.query<{ redrives: number; last_redrive_at: Date | null }>(
      `SELECT redrives, last_redrive_at FROM events WHERE entity_id = 'or-1'`,
    );
    expect(marks.rows.map((row) => [row.redrives, row.last_redrive_at !== null])).toEqual([
      [1, true],
      [1, true],
    ]);
    // Nothing of the entity moved: its state, history, dedupe records and hold keys are as they were.
    expect(await world.entitySnapshot()).toEqual(before);
  });

  it('runs only the handlers named', async () => {
    const logged = [event('OFF-RAMP.TRADE.COMPLETED', 'or-2', '11:00:00', 'TRADE_COMPLETED', 2)];
    await world.log(logged);
    const called: string[] = [];
    const consumer = world.startConsumer({
      '*': () => void called.push('*'),
      'OFF-RAMP.TRADE.COMPLETED': () => void called.push('trade'),
    });
    const id = await world.redrive({ entityId: 'or-2' }, { handlers: ['OFF-RAMP.TRADE.COMPLETED'] });
    const done = await world.until(id, (redrive) => redrive.state === 'done');
    await consumer.close();
    expect(called).toEqual(['trade']);
    expect(done.runs.map((run) => run.handler)).toEqual(['OFF-RAMP.TRADE.COMPLETED']);
  });

  it('starts at most ratePerSecond events in any second, by the runs’ own start times', async () => {
    await world.log(kycEvents('rate', 14, '08:00:00'));
    const consumer = world.startConsumer({ '*': () => undefined });
    const filter = { kind: 'kyc', from: `${DAY}08:00:00Z`, to: `${DAY}08:00:01Z` };
    const id = await world.redrive(filter, { ratePerSecond: 4 });
    const done = await world.until(id, (redrive) => redrive.state === 'done');
    await consumer.close();
    expect(done).toMatchObject({ ratePerSecond: 4, total: 14, done: 14 });
    const starts = done.runs.map((run) => Date.parse(run.at)).sort((a, b) => a - b);
    expect(starts).toHaveLength(14);
    // Every window of one second that opens at a start holds at most 4 starts (a few ms less than the second,
    // for the timers' millisecond granularity).
    const windows = starts.map(
      (start) => starts.filter((time) => time >= start && time < start + 995).length,
    );
    expect(Math.max(...windows)).toBe(4);
  });

  it('stops between events once cancelled', async () => {
    await world.log(kycEvents('cancel', 40, '09:00:00'));
    let started = 0;
    const consumer = world.startConsumer({ '*': () => void (started += 1) });
    const filter = { family: 'kyc', from: `${DAY}09:00:00Z`, to: `${DAY}09:00:01Z` };
    const id = await world.redrive(filter, { ratePerSecond: 5 });
    await world.until(id, (redrive) => redrive.done >= 2);
    expect(await cancelRedrive(world.pool, id)).toMatchObject({ outcome: 'cancelled' });
    expect(await world.jobEnd(id)).toBe('cancelled');
    await consumer.close();
    const after = await world.until(id, () => true);
    expect(after.state).toBe('cancelled');
    expect(after.remaining).toBeGreaterThan(0);
    expect(after.done + after.failed).toBe(started);
  });
});
