import type { EventLogOutcome, LoggedEvent, LoggedEventDetail } from '@ripio-webhooks/contracts';

/** The columns of a listed event (fixed SQL text). */
export const SUMMARY_COLUMNS = `event_key, issued_at, received_at, processed_at, kind, entity_id, event_type,
  family, customer_id, outcome, dead_letter_reason, attempts, deliveries, entity_status, entity_version,
  last_error, replayed_at, redrives, last_redrive_at`;

/** The columns of an event with its body. */
export const DETAIL_COLUMNS = `${SUMMARY_COLUMNS}, body, raw_body, body_sha256, proof, request_id`;

/** A row of SUMMARY_COLUMNS as `pg` returns it. */
export interface SummaryRow {
  event_key: string;
  issued_at: Date;
  received_at: Date;
  processed_at: Date;
  kind: string | null;
  entity_id: string | null;
  event_type: string | null;
  family: string | null;
  customer_id: string | null;
  outcome: string;
  dead_letter_reason: string | null;
  attempts: number;
  deliveries: number;
  entity_status: string | null;
  entity_version: number | null;
  last_error: string | null;
  replayed_at: Date | null;
  redrives: number;
  last_redrive_at: Date | null;
}

export interface DetailRow extends SummaryRow {
  body: unknown;
  raw_body: string;
  body_sha256: string;
  proof: unknown;
  request_id: string | null;
}

const iso = (time: Date | null): string | null => (time === null ? null : time.toISOString());

export function loggedEventOf(row: SummaryRow): LoggedEvent {
  return {
    eventKey: row.event_key,
    issuedAt: row.issued_at.toISOString(),
    receivedAt: row.received_at.toISOString(),
    processedAt: row.processed_at.toISOString(),
    kind: row.kind,
    entityId: row.entity_id,
    eventType: row.event_type,
    family: row.family,
    customerId: row.customer_id,
    // The writer stores only the record contract's outcomes.
    outcome: row.outcome as EventLogOutcome,
    deadLetterReason: row.dead_letter_reason,
    attempts: row.attempts,
    deliveries: row.deliveries,
    entityStatus: row.entity_status,
    entityVersion: row.entity_version,
    lastError: row.last_error,
    replayedAt: iso(row.replayed_at),
    redrives: row.redrives,
    lastRedriveAt: iso(row.last_redrive_at),
  };
}

export function loggedEventDetailOf(row: DetailRow): LoggedEventDetail {
  return {
    ...loggedEventOf(row),
    body: row.body ?? null,
    rawBody: row.raw_body,
    bodySha256: row.body_sha256,
    proof: row.proof ?? null,
    requestId: row.request_id,
  };
}
