import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApi } from '../harness/admin-api.js';
import { Downstream } from '../harness/downstream.js';
import { assertPromiseKept, planFor, scaled, useStack } from '../harness/scenario.js';
import { sendDeliveries } from '../harness/sender.js';
import { LEDGER_PREFIX } from '../harness/stack.js';
import { eventKeyOfBody, outcomeOfRecord, verifyScenario, waitUntilSettled } from '../harness/verify.js';

// Single-event flows: each of these events always applies (nothing can overtake it), so the counts are exact.
const FLAKY_TYPE = 'ACCOUNT.CLOSED';
const BROKEN_TYPE = 'SUPPORT_TICKET.FAILED';
const DOWNSTREAM_FLAKY_TYPE = 'SUPPORT_TICKET.CREATED';
const MAX_ATTEMPTS = 5;
const RETRY_SCHEDULE = '100ms,200ms,400ms,500ms';
/** A Standard Webhooks signing secret, as FORWARD_SECRET takes it. */
const forwardSecret = `whsec_${randomBytes(32).toString('base64')}`;

describe('6 poison events and a failing downstream', () => {
  let downstream: Downstream | undefined;
  beforeAll(async () => {
    // The forward target refuses the first post of every ticket created: those need a retry to get through.
    downstream = await Downstream.start(forwardSecret, 1, [DOWNSTREAM_FLAKY_TYPE]);
  });
  afterAll(async () => {
    await downstream?.stop();
  });
  // A function: the forward target's URL exists only once the beforeAll above has run.
  const stack = useStack(() => ({
    name: '06-poison-and-downstream',
    workers: 2,
    env: {
      worker: {
        RETRY_SCHEDULE,
        FORWARD_SECRET: forwardSecret,
        FORWARD_URL: downstream?.url ?? '',
        // The downstream listens on loopback without TLS.
        FORWARD_ALLOW_HTTP: 'true',
      },
    },
  }));

  it('retries through a flaky handler and downstream, dead-letters a broken one, and replays it once fixed', async () => {
    const s = stack();
    const redis = s.redisClient();
    const admin = new AdminApi(s.adminUrl, s.adminToken);
    const target = downstream;
    if (target === undefined) throw new Error('no downstream');
    // A handler failing for a while: the first two calls of every trade-completed event throw.
    await redis.hset(`${LEDGER_PREFIX}:fail`, FLAKY_TYPE, '2');
    // A handler failing for good (until the fix below): every support-ticket-failed event throws.
    await redis.hset(`${LEDGER_PREFIX}:fail`, BROKEN_TYPE, 'always');

    const plan = planFor(s, { entities: scaled(300), duplicates: 0.2, shuffle: true });
    const records = await sendDeliveries(plan.deliveries, {
      url: s.webhookUrl,
      concurrency: 16,
      maxAttempts: 50,
      maxRetryDelayMs: 500,
      timeoutMs: 20_000,
    });
    const outcomes = records.map(outcomeOfRecord);
    const brokenKeys = new Set(
      records.filter((r) => r.delivery.eventType === BROKEN_TYPE).map((r) => eventKeyOfBody(r.delivery.body)),
    );
    const keysOfType = (eventType: string) =>
      new Set(
        records.filter((r) => r.delivery.eventType === eventType).map((r) => eventKeyOfBody(r.delivery.body)),
      );
    const flakyKeys = keysOfType(FLAKY_TYPE);
    const downstreamFlakyKeys = keysOfType(DOWNSTREAM_FLAKY_TYPE);
    expect(brokenKeys.size).toBeGreaterThan(0);
    expect(flakyKeys.size).toBeGreaterThan(0);
    expect(downstreamFlakyKeys.size).toBeGreaterThan(0);

    // Before the fix: the broken events wait in the DLQ as handler_failed, after every attempt.
    const acked = new Map(
      records
        .filter((r) => r.delivery.entity !== undefined)
        .map((r) => [eventKeyOfBody(r.delivery.body), r.delivery.entity ?? { kind: '', id: '' }] as const),
    );
    await waitUntilSettled(s, acked);
    const dead = await admin.deadLetters('handler_failed');
    expect(new Set(dead.map((entry) => entry.eventKey))).toEqual(brokenKeys);
    expect(dead.every((entry) => entry.attemptsMade === MAX_ATTEMPTS)).toBe(true);
    const deadCount = dead.length;

    // The fix, then a bulk replay through the admin API.
    await redis.hdel(`${LEDGER_PREFIX}:fail`, BROKEN_TYPE);
    const replay = await admin.replayDeadLetters({ reason: 'handler_failed' });
    expect(replay.replayed).toBe(brokenKeys.size);
    // Settled again: each replayed event now has its dedupe record (the replay removed its DLQ entry).
    await waitUntilSettled(s, new Map([...acked].filter(([key]) => brokenKeys.has(key))));
    const leftInDlq = await admin.deadLetters();
    expect(
      leftInDlq.map((entry) => `${entry.eventKey} ${entry.reason}: ${entry.error}`),
      'DLQ after the replay',
    ).toEqual([]);
    // Replaying again finds nothing to replay.
    expect(await admin.replayDeadLetters({ reason: 'handler_failed' })).toMatchObject({ replayed: 0 });

    const verdict = await verifyScenario(s, {
      scenario: '6 poison + downstream',
      plan,
      outcomes,
      note: '',
    });
    // At-least-once handlers: when the forward is refused the whole event retries, and the ledger handler, which
    // had completed beside it, runs again. So exactly the tickets created count two completions, all others one.
    const completions = (keys: Iterable<string>) =>
      [...keys].map((key) => `${key} x${verdict.ledger.get(key) ?? 0}`);
    const rerunKeys = [...verdict.ledger.keys()].filter((key) => (verdict.ledger.get(key) ?? 0) > 1);
    expect(completions(rerunKeys).sort()).toEqual(
      completions(downstreamFlakyKeys)
        .map((k) => k.replace(/x\d+$/, 'x2'))
        .sort(),
    );
    verdict.row.deadLettered = deadCount;
    verdict.row.note = `${flakyKeys.size} events whose handler failed twice; ${deadCount} dead-lettered by a handler failing for good, replayed after the fix; double-applied = handler re-runs forced by the forward target refusing ${DOWNSTREAM_FLAKY_TYPE} once`;
    assertPromiseKept(verdict, { allowedHandlerReruns: downstreamFlakyKeys.size });

    // The flaky events went through on their third attempt: two failed calls each, then one completion.
    const failures = await redis.hgetall(`${LEDGER_PREFIX}:failures`);
    expect(
      [...flakyKeys].map(
        (key) => `${key} failed ${failures[key] ?? 0}, completed ${verdict.ledger.get(key) ?? 0}`,
      ),
    ).toEqual([...flakyKeys].map((key) => `${key} failed 2, completed 1`));

    // Every applied event reached the downstream service, correctly signed.
    expect(target.badSignatures).toBe(0);
    const appliedKeys = [...verdict.ledger.keys()];
    expect(appliedKeys.filter((key) => (target.accepted.get(key) ?? 0) === 0)).toEqual([]);
  });
});
