/**
 * A page position: the (issued_at, event_key) of the last event of the page, with issued_at at Postgres's full
 * precision (microseconds), so the next page starts exactly after it. Opaque to clients (base64url of JSON).
 */
export interface PagePosition {
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC). */
  issuedAt: string;
  eventKey: string;
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify({ t: position.issuedAt, k: position.eventKey }), 'utf8').toString(
    'base64url',
  );
}

/** The position a cursor names, or undefined when it is not one this module wrote. Pure. */
export function decodeCursor(cursor: string): PagePosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(cursor)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (decoded === null || typeof decoded !== 'object') return undefined;
  const { t, k } = decoded as { t?: unknown; k?: unknown };
  if (typeof t !== 'string' || !TIME.test(t) || typeof k !== 'string' || k === '') return undefined;
  return { issuedAt: t, eventKey: k };
}
