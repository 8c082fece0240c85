import { randomUUID } from 'node:crypto';
import { sampleEvent, type WireEventName } from '@ripio-webhooks/schemas';
import { entityKeys, type EntityState, type HistoryEntry } from '@ripio-webhooks/store';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { WorkerTestWorld } from './worker.test-helpers.js';

const at = (minute: number): string => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

const OFF_RAMP_SUCCESS: WireEventName[] = [
  'OFF-RAMP.DEPOSIT.RECEIVED',
  'OFF-RAMP.TRADE.COMPLETED',
  'OFF-RAMP.WITHDRAWAL.PROCESSING',
  'OFF-RAMP.WITHDRAWAL.COMPLETED',
];

describe("decisions from the entity's recorded progress (real Redis, real BullMQ workers)", () => {
  let world: WorkerTestWorld;
  afterEach(async () => {
    await world.close();
  });

  /** Delivers each body in a job of its own (`copy` n), processed before the next is enqueued. */
  async function deliver(...bodies: object[]): Promise<string[]> {
    const keys: string[] = [];
    for (const body of bodies) {
      const done = world.completions(1);
      const data = await world.enqueue(body, { copy: keys.length });
      keys.push(data.eventKey);
      await done;
    }
    return keys;
  }

  /** What a dedupe record's expiry does: the seen key is gone. */
  async function expireDedupe(kind: EntityState['kind'], id: string, eventKey: string): Promise<void> {
    expect(await world.redis.del(entityKeys(world.prefix, kind, id).seen(eventKey))).toBe(1);
  }

  it('records a redelivery after its dedupe record expired as duplicate, and runs no handler again', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const handled: string[] = [];
    world.startWorkers(1, { handlers: { '*': ({ eventKey }) => void handled.push(eventKey) } });
    const bodies = OFF_RAMP_SUCCESS.map((type, minute) =>
      sampleEvent(type, { entityId, issueDatetime: at(minute * 5) }),
    );
    const keys = await deliver(...bodies);
    expect(handled).toEqual(keys);

    // The terminal event, and an earlier one, arrive again once their dedupe records expired.
    const completed = keys.at(-1)!;
    const deposit = keys[0]!;
    await expireDedupe('off-ramp', entityId, completed);
    await expireDedupe('off-ramp', entityId, deposit);
    const done = world.completions(2);
    await world.enqueue(bodies.at(-1)!, { copy: 10 });
    await world.enqueue(bodies[0]!, { copy: 11 });
    await done;

    expect(handled).toEqual(keys);
    const record = await world.entities.get('off-ramp', entityId);
    expect(record?.status).toBe('WITHDRAWAL_COMPLETED');
    expect(record?.history.slice(4).map((entry) => [entry.eventKey, entry.outcome])).toEqual(
      expect.arrayContaining([
        [completed, 'duplicate'],
        [deposit, 'duplicate'],
      ]),
    );
  });

  it.each([
    ['every event carries txnHash', true],
    ['only the deposits carry txnHash', false],
  ])('applies and handles a second deposit cycle of a reused off-ramp session (%s)', async (_, hashed) => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const handled: Array<{ type: string; outcome: string }> = [];
    world.startWorkers(1, {
      handlers: { '*': ({ event, outcome }) => void handled.push({ type: event.eventType, outcome }) },
    });
    const cycle = (hash: string, start: number): object[] =>
      OFF_RAMP_SUCCESS.map((type, index) =>
        sampleEvent(type, {
          entityId,
          issueDatetime: at(start + index * 5),
          discriminator: hash,
          ...(hashed || index === 0 ? {} : { overrides: { txnHash: undefined } }),
        }),
      );
    await deliver(...cycle('0xfirst', 0), ...cycle('0xsecond', 30));

    expect(handled).toEqual(
      [...OFF_RAMP_SUCCESS, ...OFF_RAMP_SUCCESS].map((type) => ({ type, outcome: 'applied' })),
    );
    const record = await world.entities.get('off-ramp', entityId);
    expect(record?.status).toBe('WITHDRAWAL_COMPLETED');
    expect(record?.progress).toMatchObject({
      cycle: 2,
      cycleDiscriminator: '0xsecond',
      earlierCycles: [{ cycle: 1, discriminator: '0xfirst' }],
    });
    expect(record?.history.map((entry) => [entry.outcome, entry.cycle])).toEqual([
      ...OFF_RAMP_SUCCESS.map(() => ['applied', 1]),
      ...OFF_RAMP_SUCCESS.map(() => ['applied', 2]),
    ]);
  });

  it('applies and handles the refunds of two deposits of one Sell and Pay order', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const refunded: string[] = [];
    world.startWorkers(1, {
      handlers: {
        'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING': ({ event }) => {
          if (event.eventType === 'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING') {
            refunded.push(event.discriminator ?? 'none');
          }
        },
      },
    });
    const of = (type: WireEventName, deposit: string, minute: number): object =>
      sampleEvent(type, { entityId, discriminator: deposit, issueDatetime: at(minute) });
    await deliver(
      of('SELL_AND_PAY.DEPOSIT.RECEIVED', 'deposit-1', 0),
      of('SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING', 'deposit-1', 5),
      of('SELL_AND_PAY.DEPOSIT.RECEIVED', 'deposit-2', 10),
      of('SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING', 'deposit-2', 15),
    );
    expect(refunded).toEqual(['deposit-1', 'deposit-2']);
    const record = await world.entities.get('sell-and-pay', entityId);
    expect(record?.history.map((entry) => entry.outcome)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
    ]);
  });

  it('rebuilds the progress of an entity stored without one from its history, so a copy is still a duplicate', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const handled: string[] = [];
    world.startWorkers(1, { handlers: { '*': ({ eventKey }) => void handled.push(eventKey) } });
    const deposit = sampleEvent('SELL_AND_PAY.DEPOSIT.RECEIVED', {
      entityId,
      discriminator: 'deposit-1',
      issueDatetime: at(0),
    });
    // An entity as stored before progress existed: no progress, history entries without payloads.
    const key = `sell-and-pay|${entityId}|SELL_AND_PAY.DEPOSIT.RECEIVED|deposit-1`;
    const stored: EntityState = {
      kind: 'sell-and-pay',
      id: entityId,
      status: 'DEPOSIT_RECEIVED',
      fields: {},
      version: 1,
      createdAt: at(0),
      updatedAt: at(0),
    };
    const entry: HistoryEntry = {
      eventKey: key,
      eventType: 'SELL_AND_PAY.DEPOSIT.RECEIVED',
      issueDatetime: at(0),
      receivedAt: at(0),
      processedAt: at(0),
      outcome: 'applied',
      fromStatus: null,
      toStatus: 'DEPOSIT_RECEIVED',
    };
    const keys = entityKeys(world.prefix, 'sell-and-pay', entityId);
    await world.redis.set(keys.entity, JSON.stringify(stored));
    await world.redis.rpush(keys.history, JSON.stringify(entry));

    // The copy (no dedupe record) is a duplicate; another deposit's receipt is applied and stores the progress.
    await deliver(
      deposit,
      sampleEvent('SELL_AND_PAY.DEPOSIT.RECEIVED', {
        entityId,
        discriminator: 'deposit-2',
        issueDatetime: at(5),
      }),
    );
    const record = await world.entities.get('sell-and-pay', entityId);
    expect(record?.history.map((h) => h.outcome)).toEqual(['applied', 'duplicate', 'applied']);
    expect(handled).toEqual([`sell-and-pay|${entityId}|SELL_AND_PAY.DEPOSIT.RECEIVED|deposit-2`]);
    expect(record?.progress?.recordedEvents).toEqual([
      { eventType: 'SELL_AND_PAY.DEPOSIT.RECEIVED', discriminator: 'deposit-1' },
      { eventType: 'SELL_AND_PAY.DEPOSIT.RECEIVED', discriminator: 'deposit-2' },
    ]);
  });
});
