import { describe, expect, it } from 'vitest';
import { assertPromiseKept, planFor, scaled, useStack } from '../harness/scenario.js';
import { sendDeliveries, type Attempt, type DeliveryRecord } from '../harness/sender.js';
import { pollUntil } from '../harness/wait.js';
import { outcomeOfRecord, verifyScenario } from '../harness/verify.js';

function countBy(attempts: readonly Attempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { outcome, reusedSocket } of attempts) {
    const label =
      outcome.kind === 'answer'
        ? String(outcome.status)
        : `${outcome.kind}${reusedSocket ? ' (kept-alive socket)' : ''}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

describe('5 graceful deploy: SIGTERM every worker and the receiver under load, start new ones', () => {
  const stack = useStack({ name: '05-graceful-deploy', workers: 3, handlerDelayMs: 10 });

  it('drains without a connection reset, finishes active jobs, loses nothing', async () => {
    const s = stack();
    const plan = planFor(s, { entities: scaled(1_000), duplicates: 0.2, shuffle: true, jitterMs: 10 });
    const progress: DeliveryRecord[] = [];
    // Kept-alive connections, like a production sender: the hard case for a draining server.
    const sending = sendDeliveries(plan.deliveries, {
      url: s.webhookUrl,
      concurrency: 16,
      maxAttempts: 200,
      maxRetryDelayMs: 500,
      timeoutMs: 20_000,
      keepAlive: true,
      onDelivered: (record) => progress.push(record),
    });
    await pollUntil({ what: 'a quarter of the deliveries to be answered', maxPolls: 1_200 }, () =>
      progress.length >= plan.deliveries.length / 4 ? true : undefined,
    );

    // Rolling deploy of the workers: new ones start while the old ones drain their active jobs.
    const oldWorkers = [...s.workers];
    for (const worker of oldWorkers) worker.process.signal('SIGTERM');
    await Promise.all(oldWorkers.map(() => s.addWorker()));
    const workerExits = await Promise.all(oldWorkers.map((worker) => worker.process.waitForExit()));

    // The receiver: the old instance drains and exits, then the new one takes the same port.
    await pollUntil({ what: 'half of the deliveries to be answered', maxPolls: 1_200 }, () =>
      progress.length >= plan.deliveries.length / 2 ? true : undefined,
    );
    const receiverExit = await s.receiver.process.kill('SIGTERM');
    await s.restart(s.receiver);

    const records = await sending;
    const attempts = records.flatMap((record) => record.attempts);
    const byOutcome = countBy(attempts);
    console.log(`[e2e] 5 graceful deploy attempts: ${JSON.stringify(byOutcome)}`);

    expect(workerExits).toEqual(oldWorkers.map(() => ({ code: 0, signal: null })));
    expect(receiverExit).toEqual({ code: 0, signal: null });
    // Refused connections while no receiver listened are retried like 503s; a reset would mean a request the
    // old instance accepted and dropped.
    const resets = attempts.filter(
      (attempt) => attempt.outcome.kind === 'reset' || attempt.outcome.kind === 'timeout',
    );
    expect(countBy(resets)).toEqual({});

    const verdict = await verifyScenario(s, {
      scenario: '5 graceful deploy',
      plan,
      outcomes: records.map(outcomeOfRecord),
      note: `3 workers + receiver SIGTERMed under load; answers ${JSON.stringify(byOutcome)}`,
    });
    assertPromiseKept(verdict);
  });
});
