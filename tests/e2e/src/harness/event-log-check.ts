import pg from 'pg';
import type { Stack } from './stack.js';
import type { Verdict } from './verify.js';
import { pollUntil } from './wait.js';

/** How the Postgres event log compares with what Redis says happened to each acknowledged event. */
export interface EventLogCheck {
  /** Acknowledged events with no row in the log. */
  missing: string[];
  /** Events with more than one row. */
  doubled: string[];
  /** Events whose row's outcome is not the one Redis recorded (`key: log vs redis`). */
  wrongOutcome: string[];
  rows: number;
}

/** The outcome Redis recorded for an event: its first non-duplicate history outcome, or dead_lettered. */
function expectedOutcome(
  verdict: Verdict,
  key: string,
  deadLettered: ReadonlySet<string>,
): string | undefined {
  const outcome = verdict.outcomesByKey.get(key)?.find((candidate) => candidate !== 'duplicate');
  if (outcome !== undefined) return outcome;
  return deadLettered.has(key) ? 'dead_lettered' : verdict.outcomesByKey.get(key)?.[0];
}

/**
 * Waits until the archiver has written every acknowledged event (bounded), then compares the log with the
 * verdict: every processed event in the log exactly once, with the outcome Redis recorded.
 */
export async function checkEventLog(stack: Stack, verdict: Verdict): Promise<EventLogCheck> {
  if (stack.postgres === undefined) throw new Error('the stack runs no event log');
  const pool = new pg.Pool({ connectionString: stack.postgres.url, max: 2 });
  pool.on('error', () => undefined);
  const keys = [...verdict.ackedKeys.keys()];
  try {
    const read = async () =>
      (
        await pool.query<{ event_key: string; rows: number; outcome: string }>(
          `SELECT event_key, count(*)::int AS rows, max(outcome) AS outcome FROM events
            WHERE event_key = ANY($1::text[]) GROUP BY event_key`,
          [keys],
        )
      ).rows;
    let rows = await read();
    await pollUntil({ what: 'the event log to hold every acknowledged event', maxPolls: 600 }, async () => {
      rows = await read();
      return rows.length === keys.length ? true : undefined;
    }).catch(() => undefined);
    const byKey = new Map(rows.map((row) => [row.event_key, row]));
    const deadLettered = new Set(verdict.deadLetters.map((entry) => entry.eventKey));
    const wrongOutcome: string[] = [];
    for (const key of keys) {
      const row = byKey.get(key);
      const expected = expectedOutcome(verdict, key, deadLettered);
      if (row !== undefined && row.outcome !== expected) {
        wrongOutcome.push(`${key}: log ${row.outcome} vs redis ${String(expected)}`);
      }
    }
    return {
      missing: keys.filter((key) => !byKey.has(key)),
      doubled: rows.filter((row) => row.rows > 1).map((row) => row.event_key),
      wrongOutcome,
      rows: rows.length,
    };
  } finally {
    await pool.end();
  }
}
