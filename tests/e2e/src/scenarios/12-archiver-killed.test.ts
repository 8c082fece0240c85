import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { checkEventLog } from '../harness/event-log-check.js';
import { assertPromiseKept, planFor, scaled, useStack } from '../harness/scenario.js';
import { sendDeliveries } from '../harness/sender.js';
import { outcomeOfRecord, verifyScenario } from '../harness/verify.js';
import { pollUntil } from '../harness/wait.js';

describe('12 the archiver is SIGKILLed while it writes batches', () => {
  // Small batches, so the kill lands between a batch's write and its acknowledgement more often than not.
  const stack = useStack({
    name: '12-archiver-killed',
    workers: 2,
    eventLog: true,
    env: { archiver: { ARCHIVE_BATCH_SIZE: '20' } },
  });

  it('a restarted archiver takes over the unacknowledged batch: every event once in the log', async () => {
    const s = stack();
    const archiver = s.archiver;
    const postgres = s.postgres;
    if (archiver === undefined || postgres === undefined) throw new Error('the stack runs no event log');
    const plan = planFor(s, { entities: scaled(400), duplicates: 0.2, shuffle: true });
    const sending = sendDeliveries(plan.deliveries, {
      url: s.webhookUrl,
      concurrency: 16,
      maxAttempts: 50,
      maxRetryDelayMs: 500,
      timeoutMs: 15_000,
    });
    const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
    let logged = 0;
    try {
      await pollUntil({ what: 'a quarter of the events in the log', maxPolls: 1200 }, async () => {
        logged = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]?.n);
        return logged >= plan.events / 4 ? true : undefined;
      });
    } finally {
      await pool.end();
    }
    await archiver.process.kill('SIGKILL');
    await s.restart(archiver);

    const records = await sending;
    const verdict = await verifyScenario(s, {
      scenario: '12 archiver killed',
      plan,
      outcomes: records.map(outcomeOfRecord),
      note: `archiver SIGKILLed with ${logged} events logged, restarted at once`,
    });
    assertPromiseKept(verdict);
    expect(archiver.process.exits.at(0)?.signal).toBe('SIGKILL');

    const log = await checkEventLog(s, verdict);
    verdict.row.note += `; event log: ${log.rows} events, ${log.missing.length} missing, ${log.doubled.length} doubled`;
    expect(log.missing, 'events missing from the log').toEqual([]);
    expect(log.doubled, 'events twice in the log').toEqual([]);
    expect(log.wrongOutcome, 'events whose logged outcome differs from Redis').toEqual([]);
  });
});
