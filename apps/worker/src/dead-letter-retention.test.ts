import { Writable } from 'node:stream';
import { eventKeyOfIdentity } from '@ripio-webhooks/schemas';
import { entityTag } from '@ripio-webhooks/store';
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { sweepExpiredDeadLetters } from './dead-letter-retention.js';
import { createWorkerMetrics } from './metrics.js';
import { proofFor, WorkerTestWorld } from './worker.test-helpers.js';

const DAY_MS = 86_400_000;

function accountClosedKey(customerId: string): string {
  return eventKeyOfIdentity({
    kind: 'account',
    entityId: customerId,
    eventType: 'ACCOUNT.CLOSED',
    discriminator: undefined,
    issueDatetime: undefined,
  });
}

/** A pino logger whose lines are kept, parsed. */
function recordingLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('sweepExpiredDeadLetters (DEAD_LETTER_RETENTION_DAYS)', () => {
  let world: WorkerTestWorld;
  afterEach(async () => {
    await world.close();
  });

  it('removes dead letters past the retention, logs and counts each, and keeps a hold blocker', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const expired = accountClosedKey('c-expired');
    const blocker = accountClosedKey('c-blocker');
    for (const [eventKey, reason] of [
      [expired, 'handler_failed'],
      [blocker, 'exhausted'],
    ] as const) {
      await world.deadLetters.add('ACCOUNT.CLOSED', {
        job: {
          rawBody: '{}',
          bodySha256: 's',
          receivedAt: 'x',
          eventKey,
          requestId: 'r',
          eventType: null,
          proof: proofFor({ rawBody: '{}', eventKey, receivedAt: 'x' }),
        },
        reason,
        error: 'downstream down',
        attemptsMade: 10,
        firstFailedAt: 'x',
        lastFailedAt: 'x',
      });
    }
    await world.redis.set(
      `${world.prefix}:${entityTag('account', 'c-blocker')}:hold`,
      JSON.stringify({ blocker, state: 'dead_lettered' }),
    );
    const metrics = createWorkerMetrics({ defaultMetrics: false });
    const { logger, lines } = recordingLogger();
    const deps = {
      connection: { redis: world.redis, queuePrefix: world.prefix },
      retentionDays: 30,
      metrics,
      logger,
    };

    // Inside the retention nothing goes.
    expect(await sweepExpiredDeadLetters({ ...deps, now: () => Date.now() + 29 * DAY_MS })).toBe(0);
    expect(await world.deadLetters.get(expired)).toBeDefined();

    expect(await sweepExpiredDeadLetters({ ...deps, now: () => Date.now() + 31 * DAY_MS })).toBe(1);
    expect(await world.deadLetters.get(expired)).toBeUndefined();
    expect(await world.deadLetters.get(blocker)).toBeDefined();
    const counted = await metrics.deadLettersExpired.get();
    expect(counted.values.find((value) => value.labels.reason === 'handler_failed')?.value).toBe(1);
    expect(counted.values.find((value) => value.labels.reason === 'exhausted')?.value).toBe(0);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'dead letter removed: older than DEAD_LETTER_RETENTION_DAYS',
        eventKey: expired,
        reason: 'handler_failed',
      }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ kept: 1 }));
  });
});
