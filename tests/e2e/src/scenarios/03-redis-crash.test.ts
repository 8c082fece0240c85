import { describe, expect, it } from 'vitest';
import { assertPromiseKept, planFor, scaled, useStack } from '../harness/scenario.js';
import { sendDeliveries, type DeliveryRecord } from '../harness/sender.js';
import { pollUntil, sleep } from '../harness/wait.js';
import { eventKeyOfBody, outcomeOfRecord, verifyScenario } from '../harness/verify.js';

const CONCURRENCY = 8;

/** Event keys of valid deliveries that received a 2xx answer that ended before `beforeMs`. */
function ackedBefore(records: readonly DeliveryRecord[], beforeMs: number): Set<string> {
  const keys = new Set<string>();
  for (const record of records) {
    if (record.delivery.entity === undefined) continue;
    const acked = record.attempts.some(
      (attempt) =>
        attempt.endedAt < beforeMs &&
        attempt.outcome.kind === 'answer' &&
        attempt.outcome.status >= 200 &&
        attempt.outcome.status < 300,
    );
    if (acked) keys.add(eventKeyOfBody(record.delivery.body));
  }
  return keys;
}

describe('3 Redis SIGKILLed mid-run and restarted on the same data directory (AOF, appendfsync everysec)', () => {
  const stack = useStack({
    name: '03-redis-crash',
    workers: 3,
    redis: { appendfsync: 'everysec' },
    env: { worker: { WORKER_CONCURRENCY: String(CONCURRENCY) } },
  });

  it('applies every event acknowledged before the crash, and everything retried after it', async () => {
    const s = stack();
    const plan = planFor(s, { entities: scaled(800), duplicates: 0.2, shuffle: true });
    const progress: DeliveryRecord[] = [];
    const sending = sendDeliveries(plan.deliveries, {
      url: s.webhookUrl,
      concurrency: 24,
      maxAttempts: 200,
      maxRetryDelayMs: 500,
      timeoutMs: 15_000,
      onDelivered: (record) => progress.push(record),
    });
    const pidsBefore = [s.receiver, s.admin, ...s.workers].map((p) => p.process.pid);

    await pollUntil({ what: 'a third of the deliveries to be answered', maxPolls: 600 }, () =>
      progress.length >= plan.deliveries.length / 3 ? true : undefined,
    );
    const crashAt = Date.now();
    await s.redis.kill('SIGKILL');
    // Down for a moment: senders get 503s and connection errors and keep retrying.
    await sleep(2_000);
    await s.redis.restart();

    const records = await sending;
    const before = ackedBefore(records, crashAt);
    expect(before.size).toBeGreaterThan(0);

    const verdict = await verifyScenario(s, {
      scenario: '3 Redis SIGKILL + restart',
      plan,
      outcomes: records.map(outcomeOfRecord),
      note: `appendfsync everysec; ${before.size} events acked before the crash, all applied`,
    });
    // Every event acknowledged before the crash is in its entity's history: the AOF kept the queued jobs.
    const processed = new Set<string>();
    for (const entity of verdict.entities.values()) {
      for (const entry of entity?.history ?? []) processed.add(entry.eventKey);
    }
    expect([...before].filter((key) => !processed.has(key))).toEqual([]);
    // Nobody restarted the apps: they reconnected by themselves.
    expect([s.receiver, s.admin, ...s.workers].map((p) => p.process.pid)).toEqual(pidsBefore);

    // A handler that completed just before the crash can run again when its commit did not reach Redis.
    if (verdict.row.doubleApplied > 0) {
      verdict.row.note += `; double-applied = handlers that completed just before the crash, whose commit never reached Redis`;
    }
    assertPromiseKept(verdict, { allowedHandlerReruns: s.workers.length * CONCURRENCY });
  });
});
