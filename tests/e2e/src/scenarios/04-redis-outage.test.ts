import { describe, expect, it } from 'vitest';
import { assertPromiseKept, planFor, scaled, useStack } from '../harness/scenario.js';
import { sendDeliveries, type Attempt, type DeliveryRecord } from '../harness/sender.js';
import type { Stack } from '../harness/stack.js';
import { pollUntil, sleep } from '../harness/wait.js';
import { outcomeOfRecord, readLedger, verifyScenario } from '../harness/verify.js';

const CONCURRENCY = 8;
const OUTAGE_MS = 5_000;
const FREEZE_MS = 4_000;

async function readyStatus(stack: Stack): Promise<number> {
  const response = await fetch(`${stack.receiverUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  return response.status;
}

/** Attempts made entirely inside a window (sent after it began, answered before it ended). */
function attemptsWithin(records: readonly DeliveryRecord[], from: number, to: number): Attempt[] {
  return records.flatMap((record) => record.attempts.filter((a) => a.startedAt >= from && a.endedAt <= to));
}

function describeAttempts(attempts: readonly Attempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { outcome } of attempts) {
    const label =
      outcome.kind === 'answer'
        ? `${outcome.status}${outcome.retryAfter === undefined ? '' : '+Retry-After'}`
        : outcome.kind;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

describe('4 Redis outage: stopped for seconds, then frozen (SIGSTOP) for seconds', () => {
  const stack = useStack({
    name: '04-redis-outage',
    workers: 3,
    env: {
      receiver: { ENQUEUE_TIMEOUT_MS: '1500', RETRY_AFTER_SECONDS: '1' },
      worker: { WORKER_CONCURRENCY: String(CONCURRENCY) },
    },
  });

  it('answers 503 with Retry-After during the outage, never 2xx, never hangs; everything retried is applied', async () => {
    const s = stack();
    const redis = s.redisClient();
    const plan = planFor(s, { entities: scaled(1_000), duplicates: 0.2, shuffle: true, jitterMs: 10 });
    const progress: DeliveryRecord[] = [];
    const sending = sendDeliveries(plan.deliveries, {
      url: s.webhookUrl,
      concurrency: 16,
      maxAttempts: 300,
      maxRetryDelayMs: 1_000,
      // Far beyond the receiver's enqueue deadline: an attempt without an answer by then is a hang.
      timeoutMs: 20_000,
      onDelivered: (record) => progress.push(record),
    });
    const pidsBefore = [s.receiver, ...s.workers].map((p) => p.process.pid);
    const progressAt = (share: number) =>
      pollUntil({ what: `${share * 100}% of the deliveries to be answered`, maxPolls: 1_200 }, () =>
        progress.length >= plan.deliveries.length * share ? true : undefined,
      );

    // Phase 1: Redis stopped (port closed).
    await progressAt(0.15);
    await s.redis.kill('SIGTERM');
    const outageFrom = Date.now();
    await pollUntil({ what: '/readyz to fail', maxPolls: 100 }, async () =>
      (await readyStatus(s)) === 503 ? true : undefined,
    );
    await sleep(OUTAGE_MS);
    const outageTo = Date.now();
    await s.redis.restart();
    await pollUntil({ what: '/readyz to pass again', maxPolls: 300 }, async () =>
      (await readyStatus(s)) === 200 ? true : undefined,
    );

    // Phase 2: Redis frozen (connections open, no answers): the enqueue deadline must turn waits into 503s.
    await progressAt(0.5);
    const pid = s.redis.pid;
    if (pid === undefined) throw new Error('redis is not running');
    process.kill(pid, 'SIGSTOP');
    const freezeFrom = Date.now();
    try {
      await pollUntil({ what: '/readyz to fail while frozen', maxPolls: 100 }, async () =>
        (await readyStatus(s)) === 503 ? true : undefined,
      );
      await sleep(FREEZE_MS);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const freezeTo = Date.now();
    const ledgerAtResume = (await readLedger(redis)).size;

    const records = await sending;
    const stopped = attemptsWithin(records, outageFrom, outageTo);
    const frozen = attemptsWithin(records, freezeFrom, freezeTo);
    console.log(
      `[e2e] 4 outage answers: stopped ${JSON.stringify(describeAttempts(stopped))}, frozen ${JSON.stringify(describeAttempts(frozen))}`,
    );

    // While Redis was away every request got an answer, and that answer was 503 with Retry-After.
    expect(stopped.length).toBeGreaterThan(0);
    expect(frozen.length).toBeGreaterThan(0);
    for (const attempt of [...stopped, ...frozen]) {
      expect(attempt.outcome).toMatchObject({ kind: 'answer', status: 503 });
      expect(attempt.outcome.kind === 'answer' && attempt.outcome.retryAfter !== undefined).toBe(true);
    }
    // No attempt of the whole run went unanswered.
    const unanswered = records.flatMap((r) => r.attempts).filter((a) => a.outcome.kind !== 'answer');
    expect(describeAttempts(unanswered)).toEqual({});
    // Workers resumed by themselves (same processes) and kept applying after Redis came back.
    expect([s.receiver, ...s.workers].map((p) => p.process.pid)).toEqual(pidsBefore);
    expect((await readLedger(redis)).size).toBeGreaterThan(ledgerAtResume);

    const verdict = await verifyScenario(s, {
      scenario: '4 Redis outage',
      plan,
      outcomes: records.map(outcomeOfRecord),
      note: `stopped ${OUTAGE_MS / 1000} s (${stopped.length} answers, all 503) + frozen ${FREEZE_MS / 1000} s (${frozen.length} answers, all 503)`,
    });
    // A handler that completed just before Redis went away may run again when its commit failed.
    if (verdict.row.doubleApplied > 0) {
      verdict.row.note += `; double-applied = handlers that completed while Redis went away, so their commit failed and the event retried`;
    }
    assertPromiseKept(verdict, { allowedHandlerReruns: 2 * s.workers.length * CONCURRENCY });
  });
});
