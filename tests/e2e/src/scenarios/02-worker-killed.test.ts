import { describe, expect, it } from 'vitest';
import { assertPromiseKept, planFor, scaled, useStack } from '../harness/scenario.js';
import { sendDeliveries } from '../harness/sender.js';
import { QUEUE_PREFIX } from '../harness/stack.js';
import { pollUntil } from '../harness/wait.js';
import { outcomeOfRecord, readLedger, verifyScenario } from '../harness/verify.js';

const CONCURRENCY = 8;

describe('2 workers SIGKILLed mid-run while holding active jobs', () => {
  // A short handler delay keeps every worker busy with active jobs when the kill lands.
  const stack = useStack({
    name: '02-worker-killed',
    workers: 3,
    handlerDelayMs: 25,
    // A 5 s job lock (no Redis outage here to outlast): a victim's jobs and entity locks come free 5-15 s after it.
    env: { worker: { WORKER_CONCURRENCY: String(CONCURRENCY), JOB_LOCK_MS: '5000' } },
  });

  it('finishes the killed workers jobs on the survivors (stalled-job recovery) and loses nothing', async () => {
    const s = stack();
    const redis = s.redisClient();
    const plan = planFor(s, { entities: scaled(800), duplicates: 0.2, shuffle: true });
    const sending = sendDeliveries(plan.deliveries, {
      url: s.webhookUrl,
      concurrency: 24,
      maxAttempts: 50,
      maxRetryDelayMs: 500,
      timeoutMs: 15_000,
    });

    // Mid-run: a fifth of the events done and a backlog waiting, so every worker holds its full share of jobs.
    await pollUntil(
      { what: 'a fifth of the events to be handled with a backlog', maxPolls: 600 },
      async () => {
        const [done, waiting] = await Promise.all([
          readLedger(redis).then((ledger) => ledger.size),
          redis.llen(`{${QUEUE_PREFIX}}:events:wait`),
        ]);
        return done >= plan.events / 5 && waiting > 0 ? true : undefined;
      },
    );
    const activeBefore = await redis.lrange(`{${QUEUE_PREFIX}}:events:active`, 0, -1);
    const victims = s.workers.slice(0, 2);
    await Promise.all(victims.map((victim) => victim.process.kill('SIGKILL')));
    await Promise.all(victims.map(() => s.addWorker()));

    const records = await sending;
    const verdict = await verifyScenario(s, {
      scenario: '2 worker killed',
      plan,
      outcomes: records.map(outcomeOfRecord),
      note: `2 of 3 workers SIGKILLed with ${activeBefore.length} jobs active, 2 replacements`,
    });

    // The jobs the dead workers held came back through BullMQ's stalled check ("stc" counts it per job).
    const pipeline = redis.pipeline();
    for (const key of verdict.ackedKeys.keys()) pipeline.hget(`{${QUEUE_PREFIX}}:events:${key}`, 'stc');
    const stalled = ((await pipeline.exec()) ?? []).filter(([, value]) => Number(value ?? 0) > 0).length;
    verdict.row.note += `; ${stalled} jobs recovered by the stalled-job check`;
    if (verdict.row.doubleApplied > 0) {
      verdict.row.note += `; double-applied = handlers a victim completed before it died, ahead of its commit`;
    }
    expect(stalled).toBeGreaterThan(0);
    expect(victims.every((victim) => victim.process.exits.at(-1)?.signal === 'SIGKILL')).toBe(true);

    // A handler may complete twice only for a job a victim was running when it died: at most its concurrency.
    assertPromiseKept(verdict, { allowedHandlerReruns: victims.length * CONCURRENCY });
  });
});
