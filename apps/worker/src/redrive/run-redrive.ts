import type { RedriveHandlers } from '@ripio-webhooks/contracts';
import {
  claimRedriveEvent,
  entityEventsBefore,
  finishRedrive,
  nextRedriveEvents,
  settleRedriveEvent,
  takeRedrive,
  type HandlerResult,
  type RedriveEvent,
  type RedriveJob,
} from '@ripio-webhooks/event-log';
import { parseEventBody } from '@ripio-webhooks/schemas';
import pThrottle from 'p-throttle';
import type { EventLogPool } from '@ripio-webhooks/event-log';
import type { HandlerRunner } from '../handlers/run-handlers.js';
import { redriveContext } from './redrive-context.js';

/** The handler name a run is recorded under when the event's raw body no longer parses. */
const PARSE_STEP = 'parse';

export interface RedriveDeps {
  pool: EventLogPool;
  handlers: Pick<HandlerRunner, 'namesFor' | 'runNamed'>;
  /** HISTORY_LIMIT: how many earlier events a handler's `history` holds. */
  historyLimit: number;
  /** True once the worker is shutting down: the run stops before its next event. */
  stopping: () => boolean;
  /** Events read from the log per query. */
  pageSize?: number;
}

/** How a run ended: every event run, cancelled by an operator, stopped for shutdown, or nothing to run. */
export type RedriveEnd = 'done' | 'cancelled' | 'stopped' | 'not_running';

/** The handlers of `available` (an event's) a re-drive runs. */
function chosen(available: readonly string[], wanted: RedriveHandlers): string[] {
  return wanted === 'all' ? [...available] : available.filter((name) => wanted.includes(name));
}

/**
 * Runs a re-drive from where it stands: its events after its cursor, in entity order, at most `ratePerSecond`
 * starting in any second (p-throttle's strict sliding window), each claimed (cancellation checked) before its
 * handlers run and settled after. Reads and writes Postgres only: entities in Redis are never touched.
 */
export async function runRedrive(deps: RedriveDeps, redriveId: string): Promise<RedriveEnd> {
  const job = await takeRedrive(deps.pool, redriveId);
  if (job === undefined) return 'not_running';
  const throttle = pThrottle({ limit: job.redrive.ratePerSecond, interval: 1_000, strict: true });
  // The limiter lets a call through at the time this returns: each event's runs are recorded with it.
  const admit = throttle(() => Promise.resolve(new Date()));
  let cursor = job.cursor;
  for (;;) {
    const page = await nextRedriveEvents(deps.pool, job, cursor, deps.pageSize ?? 100);
    if (page.length === 0) break;
    for (const event of page) {
      if (deps.stopping()) return 'stopped';
      const at = await admit();
      if (!(await runEvent(deps, job, event, at))) return 'cancelled';
      cursor = event;
    }
  }
  await finishRedrive(deps.pool, redriveId);
  return 'done';
}

/** Claims, runs and settles one event; false when the re-drive is no longer running (cancelled). */
async function runEvent(deps: RedriveDeps, job: RedriveJob, event: RedriveEvent, at: Date): Promise<boolean> {
  const id = job.redrive.id;
  const parsed = parseEventBody(event.rawBody);
  if (!parsed.ok) {
    if (!(await claimRedriveEvent(deps.pool, id, event, [PARSE_STEP], at))) return false;
    const error = `the logged body no longer parses (${parsed.reason}): ${parsed.issues.join('; ')}`;
    await settleRedriveEvent(deps.pool, id, event, [{ handler: PARSE_STEP, error }]);
    return true;
  }
  const names = chosen(deps.handlers.namesFor(parsed.event.eventType), job.redrive.handlers);
  if (!(await claimRedriveEvent(deps.pool, id, event, names, at))) return false;
  let results: HandlerResult[];
  try {
    const earlier =
      event.entityVersion === null
        ? []
        : await entityEventsBefore(
            deps.pool,
            { kind: event.kind, entityId: event.entityId, version: event.entityVersion },
            deps.historyLimit,
          );
    const context = redriveContext(parsed.event, event, earlier);
    results = names.length === 0 ? [] : await deps.handlers.runNamed(context, names);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results = names.map((handler) => ({ handler, error: message }));
  }
  await settleRedriveEvent(deps.pool, id, event, results);
  return true;
}
