import type { Pool } from 'pg';

/** An earlier committed event of an entity, as the log holds it. */
export interface EarlierEvent {
  eventKey: string;
  eventType: string | null;
  issuedAt: Date;
  receivedAt: Date;
  processedAt: Date;
  outcome: string;
  rawBody: string;
  entityStatus: string;
  entityVersion: number;
}

interface EarlierRow {
  event_key: string;
  event_type: string | null;
  issued_at: Date;
  received_at: Date;
  processed_at: Date;
  outcome: string;
  raw_body: string;
  entity_status: string;
  entity_version: number;
}

/**
 * The committed events of an entity before its version `version` (the entity's versions count its commits, so
 * this is processing order), oldest first, at most `limit` of the latest: what a re-drive rebuilds the handler's
 * `before` and `history` from.
 */
export async function entityEventsBefore(
  db: Pick<Pool, 'query'>,
  entity: { kind: string; entityId: string; version: number },
  limit: number,
): Promise<EarlierEvent[]> {
  const result = await db.query<EarlierRow>(
    `SELECT event_key, event_type, issued_at, received_at, processed_at, outcome, raw_body, entity_status,
            entity_version
       FROM events
      WHERE kind = $1 AND entity_id = $2 AND entity_version < $3 AND entity_status IS NOT NULL
        AND outcome IN ('applied', 'late', 'conflict')
      ORDER BY entity_version DESC LIMIT $4`,
    [entity.kind, entity.entityId, entity.version, limit],
  );
  return result.rows.reverse().map((row) => ({
    eventKey: row.event_key,
    eventType: row.event_type,
    issuedAt: row.issued_at,
    receivedAt: row.received_at,
    processedAt: row.processed_at,
    outcome: row.outcome,
    rawBody: row.raw_body,
    entityStatus: row.entity_status,
    entityVersion: row.entity_version,
  }));
}
