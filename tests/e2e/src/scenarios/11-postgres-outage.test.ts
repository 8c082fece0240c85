import { describe, expect, it } from 'vitest';
import { checkEventLog } from '../harness/event-log-check.js';
import { assertPromiseKept, planFor, scaled, useStack } from '../harness/scenario.js';
import { sendDeliveries } from '../harness/sender.js';
import { outcomeOfRecord, readLedger, verifyScenario } from '../harness/verify.js';
import { pollUntil } from '../harness/wait.js';

describe('11 the event log’s Postgres is SIGKILLed during load and restarted', () => {
  const stack = useStack({ name: '11-postgres-outage', workers: 2, eventLog: true });

  it('goes on taking and applying events, and the log ends with every event once, with its outcome', async () => {
    const s = stack();
    const redis = s.redisClient();
    const postgres = s.postgres;
    if (postgres === undefined) throw new Error('the stack runs no Postgres');
    const plan = planFor(s, { entities: scaled(400), duplicates: 0.2, shuffle: true });
    const sending = sendDeliveries(plan.deliveries, {
      url: s.webhookUrl,
      concurrency: 16,
      maxAttempts: 50,
      maxRetryDelayMs: 500,
      timeoutMs: 15_000,
    });
    const handled = async (fraction: number) =>
      (await readLedger(redis)).size >= plan.events * fraction ? true : undefined;

    await pollUntil({ what: 'a fifth of the events handled', maxPolls: 600 }, () => handled(0.2));
    await postgres.kill();
    // Intake and processing go on without Postgres: more than half of the events get handled meanwhile.
    await pollUntil({ what: 'half of the events handled with Postgres down', maxPolls: 1200 }, () =>
      handled(0.5),
    );
    const streamWhileDown = await redis.xlen('{ripio}:eventlog');
    await postgres.restart();

    const records = await sending;
    const verdict = await verifyScenario(s, {
      scenario: '11 postgres outage',
      plan,
      outcomes: records.map(outcomeOfRecord),
      note: `Postgres SIGKILLed at 20% handled, restarted at 50%; ${streamWhileDown} records waited in the stream`,
    });
    assertPromiseKept(verdict);
    expect(streamWhileDown).toBeGreaterThan(0);

    const log = await checkEventLog(s, verdict);
    verdict.row.note += `; event log: ${log.rows} events, ${log.missing.length} missing, ${log.doubled.length} doubled`;
    expect(log.missing, 'events missing from the log').toEqual([]);
    expect(log.doubled, 'events twice in the log').toEqual([]);
    expect(log.wrongOutcome, 'events whose logged outcome differs from Redis').toEqual([]);
  });
});
