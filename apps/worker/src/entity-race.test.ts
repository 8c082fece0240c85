import { randomUUID } from 'node:crypto';
import { sampleEvent } from '@ripio-webhooks/schemas';
import { entityKeys, type EntityStore, type LockAndLoadResult } from '@ripio-webhooks/store';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { barrier, deferred, WorkerTestWorld } from './worker.test-helpers.js';

const ISSUED = '2026-03-01T10:00:00.000Z';
const LATER = '2026-03-01T10:05:00.000Z';

function nonDuplicateKeys(history: Array<{ eventKey: string; outcome: string }>): string[] {
  return history.filter((entry) => entry.outcome !== 'duplicate').map((entry) => entry.eventKey);
}

describe('events of one entity never race (forced, on a real Redis)', () => {
  let world: WorkerTestWorld;
  afterEach(async () => {
    await world.close();
  });

  it('two workers locking the same entity at the same instant: one waits, both updates are kept', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const deposit = await world.enqueue(
      sampleEvent('OFF-RAMP.DEPOSIT.RECEIVED', { entityId, issueDatetime: ISSUED }),
    );
    const trade = await world.enqueue(
      sampleEvent('OFF-RAMP.TRADE.COMPLETED', { entityId, issueDatetime: LATER }),
    );

    const bothAtTheLock = barrier(2);
    const loserRefused = deferred();
    const lockResults: boolean[] = [];
    let firstCommit = true;
    const wrap = (store: EntityStore): EntityStore => {
      let firstLock = true;
      return {
        ...store,
        async lockAndLoad(...args) {
          // The first lock attempt of each worker waits for the other's: both reach Redis together.
          if (firstLock) {
            firstLock = false;
            await bothAtTheLock();
          }
          const result: LockAndLoadResult = await store.lockAndLoad(...args);
          lockResults.push(result.outcome === 'locked');
          if (result.outcome === 'busy') loserRefused.resolve();
          return result;
        },
        async commit(request) {
          // The winner commits only after the loser has been turned away.
          if (firstCommit) {
            firstCommit = false;
            await loserRefused.promise;
          }
          return store.commit(request);
        },
      };
    };

    const done = world.completions(2);
    // Concurrency 1 each: while one worker holds a job at the barrier, the other must take the second job.
    world.startWorkers(2, { concurrency: 1, wrapEntities: wrap });
    await done;

    expect(lockResults.slice(0, 2).sort()).toEqual([false, true]);
    const record = await world.entities.get('off-ramp', entityId);
    expect(record?.status).toBe('TRADE_COMPLETED');
    expect(nonDuplicateKeys(record!.history).sort()).toEqual([deposit.eventKey, trade.eventKey].sort());
    // One version per commit that wrote the entity: every outcome but duplicate.
    expect(record?.version).toBe(nonDuplicateKeys(record!.history).length);
    // Waiting for the lock did not spend an attempt: each job completed on its first.
    for (const key of [deposit.eventKey, trade.eventKey]) {
      expect((await world.events.getJob(key))?.attemptsMade).toBe(1);
    }
  });

  it('a commit whose lock expired mid-handler is refused, retried, and does not overwrite the newer state', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const handlerEntered = deferred();
    const releaseHandler = deferred();
    const tradeAttempts: number[] = [];
    world.startWorkers(1, {
      concurrency: 2,
      handlers: {
        'OFF-RAMP.TRADE.COMPLETED': async ({ attempt, before }) => {
          tradeAttempts.push(attempt);
          if (attempt === 1) {
            expect(before).toBeUndefined();
            handlerEntered.resolve();
            await releaseHandler.promise;
          }
        },
      },
    });

    let done = world.completions(1);
    const trade = await world.enqueue(
      sampleEvent('OFF-RAMP.TRADE.COMPLETED', { entityId, issueDatetime: LATER }),
    );
    await handlerEntered.promise;
    // The trade's lock "expires" while its handler runs; the deposit takes the entity and commits.
    await world.redis.del(entityKeys(world.prefix, 'off-ramp', entityId).lock);
    const deposit = await world.enqueue(
      sampleEvent('OFF-RAMP.DEPOSIT.RECEIVED', { entityId, issueDatetime: ISSUED }),
    );
    await done;
    expect((await world.entities.get('off-ramp', entityId))?.status).toBe('DEPOSIT_RECEIVED');

    done = world.completions(1);
    releaseHandler.resolve();
    await done;

    const record = await world.entities.get('off-ramp', entityId);
    // The stale commit (expected version 0) was refused; the redo applied on top of the deposit.
    expect(tradeAttempts).toEqual([1, 2]);
    expect(record?.status).toBe('TRADE_COMPLETED');
    expect(record?.version).toBe(2);
    expect(
      record?.history.map((entry) => [entry.eventKey, entry.outcome, entry.fromStatus, entry.toStatus]),
    ).toEqual([
      [deposit.eventKey, 'applied', null, 'DEPOSIT_RECEIVED'],
      [trade.eventKey, 'applied', 'DEPOSIT_RECEIVED', 'TRADE_COMPLETED'],
    ]);
    expect((await world.events.getJob(trade.eventKey))?.attemptsMade).toBe(2);
  });

  it('a job whose entity is locked elsewhere waits without spending attempts, then applies', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const entityId = randomUUID();
    const lockKey = entityKeys(world.prefix, 'kyc', entityId).lock;
    await world.redis.set(lockKey, 'another-worker', 'PX', 60_000);

    const refusals: number[] = [];
    const refusedThrice = deferred();
    world.startWorkers(1, {
      wrapEntities: (store) => ({
        ...store,
        async lockAndLoad(...args) {
          const result = await store.lockAndLoad(...args);
          if (result.outcome === 'busy') {
            refusals.push(refusals.length + 1);
            if (refusals.length === 3) refusedThrice.resolve();
          }
          return result;
        },
      }),
    });

    const done = world.completions(1);
    const review = await world.enqueue(sampleEvent('KYC.IN_REVIEW', { entityId, issueDatetime: ISSUED }));
    await refusedThrice.promise;
    const waiting = await world.events.getJob(review.eventKey);
    expect(waiting?.attemptsMade).toBe(0);
    expect(await world.entities.get('kyc', entityId)).toBeUndefined();

    await world.redis.del(lockKey);
    await done;
    expect((await world.entities.get('kyc', entityId))?.status).toBe('IN_REVIEW');
    expect((await world.events.getJob(review.eventKey))?.attemptsMade).toBe(1);
  });
});
