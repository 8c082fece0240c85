import {
  RedriveFilter,
  RedriveHandlers,
  type Redrive,
  type RedriveRun,
  type RedriveSampleEvent,
  type RedriveState,
} from '@ripio-webhooks/contracts';

/** A `redrives` row as pg returns it. */
export interface RedriveRow {
  id: string;
  filter: unknown;
  handlers: unknown;
  rate_per_second: number;
  state: RedriveState;
  total: number;
  done: number;
  failed: number;
  cursor_kind: string | null;
  cursor_entity_id: string | null;
  cursor_issued_at: Date | null;
  cursor_event_key: string | null;
  requested_by: string | null;
  reason: string | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const iso = (time: Date | null): string | null => (time === null ? null : time.toISOString());

/** The API's view of a row. */
export function redriveOf(row: RedriveRow): Redrive {
  return {
    id: row.id,
    state: row.state,
    filter: RedriveFilter.parse(row.filter),
    handlers: RedriveHandlers.parse(row.handlers),
    ratePerSecond: row.rate_per_second,
    total: row.total,
    done: row.done,
    failed: row.failed,
    remaining: Math.max(0, row.total - row.done - row.failed),
    requestedBy: row.requested_by,
    reason: row.reason,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

export interface RunRow {
  event_key: string;
  handler: string;
  result: 'ok' | 'failed';
  error: string | null;
  at: Date;
}

export function runOf(row: RunRow): RedriveRun {
  return {
    eventKey: row.event_key,
    handler: row.handler,
    result: row.result,
    error: row.error,
    at: row.at.toISOString(),
  };
}

/** The columns of `events` a sample shows. */
export const SAMPLE_COLUMNS = 'event_key, issued_at, kind, entity_id, event_type, outcome';

export interface SampleRow {
  event_key: string;
  issued_at: Date;
  kind: string | null;
  entity_id: string | null;
  event_type: string | null;
  outcome: string;
}

export function sampleOf(row: SampleRow): RedriveSampleEvent {
  return {
    eventKey: row.event_key,
    issuedAt: row.issued_at.toISOString(),
    kind: row.kind,
    entityId: row.entity_id,
    eventType: row.event_type,
    outcome: row.outcome,
  };
}
