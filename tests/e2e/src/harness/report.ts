import { appendFileSync, mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR } from './paths.js';

/** One scenario's figures: the row of the table in docs/reliability.md. */
export interface ScenarioRow {
  scenario: string;
  /** Deliveries the sender made (planned events, duplicate deliveries and hostile requests; retries not counted). */
  sent: number;
  /** Deliveries whose final answer was a 2xx. */
  acked: number;
  /** HTTP attempts that were retried (503 or connection error). */
  retried: number;
  /** Distinct events applied to an entity's state. */
  applied: number;
  /** Acknowledged deliveries beyond the first of each event (absorbed by the receiver's job id or the dedupe record). */
  duplicatesAbsorbed: number;
  /** Events recorded as late or conflict (kept in history, status unchanged). */
  lateOrConflict: number;
  /** Entries in the dead-letter queue at the end. */
  deadLettered: number;
  /** Acknowledged events that reached neither an entity's history nor the dead-letter queue: must be 0. */
  lost: number;
  /** Events whose handler ran to completion more than once (ledger count > 1). */
  doubleApplied: number;
  /** Entities whose final status differs from what the simulator expected: must be 0. */
  wrongStatus: number;
  /** Anything the scenario wants the reader to know (durability mode, allowed re-runs...). */
  note: string;
}

const RESULTS_FILE = process.env.E2E_RESULTS_FILE ?? join(RESULTS_DIR, 'last-run.jsonl');

/** Prints the row and appends it (one JSON line) to the run's results file. */
export function recordRow(row: ScenarioRow): void {
  console.log(`[e2e] ${row.scenario}: ${JSON.stringify(row)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  appendFileSync(RESULTS_FILE, `${JSON.stringify({ ...row, at: new Date().toISOString() })}\n`);
}

/** Empties the results file at the start of a run (vitest globalSetup). */
export function resetResults(): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(RESULTS_FILE, '');
}

const COLUMNS: readonly [keyof ScenarioRow, string][] = [
  ['scenario', 'scenario'],
  ['sent', 'sent'],
  ['acked', '2xx'],
  ['retried', 'retried'],
  ['applied', 'applied'],
  ['duplicatesAbsorbed', 'duplicates absorbed'],
  ['lateOrConflict', 'late/conflict'],
  ['deadLettered', 'DLQ'],
  ['lost', 'lost'],
  ['doubleApplied', 'double-applied'],
  ['wrongStatus', 'wrong status'],
  ['note', 'note'],
];

/** The results of this run as a Markdown table (what docs/reliability.md shows). */
function renderResultsTable(): string {
  if (!existsSync(RESULTS_FILE)) return '(no results)';
  const rows = readFileSync(RESULTS_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ScenarioRow)
    .sort((a, b) => a.scenario.localeCompare(b.scenario));
  const header = `| ${COLUMNS.map(([, title]) => title).join(' | ')} |`;
  const rule = `|${COLUMNS.map(([key]) => (key === 'scenario' || key === 'note' ? '---' : '---:')).join('|')}|`;
  const body = rows.map((row) => `| ${COLUMNS.map(([key]) => String(row[key])).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}

export function writeResultsTable(): string {
  const table = renderResultsTable();
  writeFileSync(join(RESULTS_DIR, 'last-run.md'), `${table}\n`);
  return table;
}
