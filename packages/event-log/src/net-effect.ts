import type { EventLogRecord } from '@ripio-webhooks/contracts';

/** A stream entry id, split: milliseconds and sequence. */
export interface LogPosition {
  ms: bigint;
  seq: bigint;
}

export function parseStreamId(id: string): LogPosition {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (match === null) throw new Error(`not a stream entry id: ${id}`);
  return { ms: BigInt(match[1] ?? '0'), seq: BigInt(match[2] ?? '0') };
}

function isAfter(a: LogPosition, b: LogPosition): boolean {
  return a.ms > b.ms || (a.ms === b.ms && a.seq > b.seq);
}

/** One stream entry, decoded. */
export interface LogEntry {
  position: LogPosition;
  record: EventLogRecord;
}

/** The row key of an event in the log: its key and the time its partition is chosen by. */
function rowKeyOf(record: EventLogRecord): { eventKey: string; issuedAt: string } {
  return { eventKey: record.eventKey, issuedAt: record.issuedAt ?? record.receivedAt };
}

/** What a batch does to one event's row: its latest non-duplicate record, how many duplicates, the last position. */
export interface NetEffect {
  eventKey: string;
  issuedAt: string;
  /** The newest record that is not a duplicate delivery (undefined: the batch holds only duplicates). */
  latest: EventLogRecord | undefined;
  /** A record to insert the row from when it does not exist yet (the latest, else the first duplicate). */
  first: EventLogRecord;
  duplicates: number;
  position: LogPosition;
}

/**
 * Folds a batch (in stream order) into one effect per row, skipping the entries a row already reflects (its
 * stored position is at or after them: the batch is being written again after a crash). Pure.
 */
export function netEffects(
  entries: readonly LogEntry[],
  stored: ReadonlyMap<string, LogPosition>,
): NetEffect[] {
  const effects = new Map<string, NetEffect>();
  for (const { position, record } of entries) {
    const { eventKey, issuedAt } = rowKeyOf(record);
    const rowId = rowIdOf(eventKey, issuedAt);
    const storedPosition = stored.get(rowId);
    if (storedPosition !== undefined && !isAfter(position, storedPosition)) continue;
    const effect = effects.get(rowId) ?? {
      eventKey,
      issuedAt,
      latest: undefined,
      first: record,
      duplicates: 0,
      position,
    };
    if (record.outcome === 'duplicate') effect.duplicates += 1;
    else effect.latest = record;
    effect.position = position;
    effects.set(rowId, effect);
  }
  return [...effects.values()];
}

/** The map key of a row (event key and issue time). */
export function rowIdOf(eventKey: string, issuedAt: string): string {
  return `${eventKey}\u0000${new Date(issuedAt).toISOString()}`;
}

/** The customer id a payload names, where it has one (the entity object's `customerId`). */
export function customerIdOf(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return null;
  for (const value of Object.values(body)) {
    if (value !== null && typeof value === 'object' && 'customerId' in value) {
      const id = (value as { customerId: unknown }).customerId;
      if (typeof id === 'string' && id !== '') return id;
    }
  }
  return null;
}
