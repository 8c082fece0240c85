import type { AuditEntry, AuditPage, CredentialKind, OperatorRole } from '@ripio-webhooks/contracts';
import type { RedisClient } from './connection.js';

/** What a state-changing action records (the log adds its id). */
export interface AuditRecord {
  at: Date;
  operator: string;
  role: OperatorRole;
  via: CredentialKind;
  action: string;
  target: string;
  reason: string | null;
  outcome: string;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  operator?: string;
  action?: string;
  /** Entries at or after this time. */
  since?: Date;
  /** Entries at or before this time. */
  until?: Date;
}

/**
 * The append-only audit log of operators' actions. The Redis stream below is one implementation; a database-backed
 * event log can implement the same interface (and the admin app can write to both).
 */
export interface AuditLog {
  record(entry: AuditRecord): Promise<AuditEntry>;
  /** Newest first, filtered; a page may hold fewer than `limit` entries and still have a `nextCursor`. */
  list(query: AuditQuery): Promise<AuditPage>;
}

function auditStreamKey(queuePrefix: string): string {
  return `${queuePrefix}:audit`;
}

/** How many stream entries one `list` reads at most while filtering (a page then ends early, with a cursor). */
const SCAN_BUDGET = 5_000;
const BATCH = 500;

function entryOf(id: string, fields: string[]): AuditEntry | undefined {
  const index = fields.indexOf('entry');
  const json = index === -1 ? undefined : fields[index + 1];
  if (json === undefined) return undefined;
  return { id, ...(JSON.parse(json) as Omit<AuditEntry, 'id'>) };
}

function matches(entry: AuditEntry, query: AuditQuery): boolean {
  return (
    (query.operator === undefined || entry.operator === query.operator) &&
    (query.action === undefined || entry.action === query.action)
  );
}

/**
 * The audit log as a Redis stream (`<prefix>:audit`), one JSON field per entry. Each append trims entries older
 * than `retentionMs` (`XADD ... MINID ~`): the log is capped by age, never by count, so a burst of actions cannot
 * push out the record of an earlier one. Nothing else deletes from it.
 */
export function createRedisAuditLog(options: {
  redis: RedisClient;
  queuePrefix: string;
  retentionMs: number;
  now?: () => number;
}): AuditLog {
  const { redis } = options;
  const key = auditStreamKey(options.queuePrefix);
  const now = options.now ?? Date.now;

  async function record(entry: AuditRecord): Promise<AuditEntry> {
    const stored: Omit<AuditEntry, 'id'> = { ...entry, at: entry.at.toISOString() };
    const minId = String(Math.max(0, now() - options.retentionMs));
    const id = await redis.xadd(key, 'MINID', '~', minId, '*', 'entry', JSON.stringify(stored));
    if (id === null) throw new Error('XADD to the audit log returned no id');
    return { id, ...stored };
  }

  async function list(query: AuditQuery): Promise<AuditPage> {
    const entries: AuditEntry[] = [];
    let end = query.cursor === undefined ? (query.until?.getTime().toString() ?? '+') : `(${query.cursor}`;
    const start = query.since === undefined ? '-' : query.since.getTime().toString();
    let scanned = 0;
    while (scanned < SCAN_BUDGET) {
      const batch = await redis.xrevrange(key, end, start, 'COUNT', BATCH);
      for (const [id, fields] of batch) {
        scanned += 1;
        const entry = entryOf(id, fields);
        if (entry !== undefined && matches(entry, query)) entries.push(entry);
        end = `(${id}`;
        if (entries.length === query.limit) {
          return { entries, nextCursor: id };
        }
      }
      if (batch.length < BATCH) return { entries };
    }
    return { entries, nextCursor: end.slice(1) };
  }

  return { record, list };
}
