import type { Job, Queue } from 'bullmq';
import type { DeadLetterEntry, DeadLetterPage } from '@ripio-webhooks/contracts';
import { issueDatetimeOf, type ArrivalKey } from './arrival-order.js';
import type { DeadLetterData, DeadLetterReason } from './queue-definition.js';

export interface DeadLetterFilter {
  reason?: DeadLetterReason;
  eventType?: string;
}

export interface DeadLetterListOptions extends DeadLetterFilter {
  limit: number;
  /** Opaque; from a previous page's `nextCursor`. */
  cursor?: string;
}

/** Entries read per round trip while listing; and the most a single `list` call scans. */
const SCAN_BATCH = 200;
const MAX_SCANNED_PER_PAGE = 5_000;

export function toDeadLetterEntry(job: Job<DeadLetterData>): DeadLetterEntry {
  const { data } = job;
  return {
    id: job.id ?? data.job.eventKey,
    eventKey: data.job.eventKey,
    eventType: job.name,
    reason: data.reason,
    error: data.error,
    attemptsMade: data.attemptsMade,
    firstFailedAt: data.firstFailedAt,
    lastFailedAt: data.lastFailedAt,
    deadLetteredAt: data.deadLetteredAt,
    receivedAt: data.job.receivedAt,
  };
}

function matches(entry: DeadLetterEntry, filter: DeadLetterFilter): boolean {
  return (
    (filter.reason === undefined || entry.reason === filter.reason) &&
    (filter.eventType === undefined || entry.eventType === filter.eventType)
  );
}

function parseCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const offset = Number(cursor);
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`invalid dead-letter cursor: ${cursor}`);
  return offset;
}

/** One page of entries, newest first (see DeadLetterStore.list). */
export async function listDeadLetters(
  deadLetter: Queue<DeadLetterData>,
  { limit, cursor, ...filter }: DeadLetterListOptions,
): Promise<DeadLetterPage> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  let offset = parseCursor(cursor);
  const entries: DeadLetterEntry[] = [];
  let scanned = 0;
  while (scanned < MAX_SCANNED_PER_PAGE) {
    // The wait list holds every entry (nobody consumes the queue); index 0 is the newest.
    const ids = await deadLetter.getRanges(['wait'], offset, offset + SCAN_BATCH - 1, false);
    const jobs = await Promise.all(ids.map((id) => deadLetter.getJob(id)));
    for (const job of jobs) {
      offset += 1;
      scanned += 1;
      if (job === undefined) continue;
      const entry = toDeadLetterEntry(job);
      if (!matches(entry, filter)) continue;
      entries.push(entry);
      if (entries.length === limit) return { entries, nextCursor: String(offset) };
    }
    if (ids.length < SCAN_BATCH) return { entries };
  }
  return { entries, nextCursor: String(offset) };
}

/** Every entry matching `filter`, as arrival keys (the whole list, in batches). */
export async function matchingArrivalKeys(
  deadLetter: Queue<DeadLetterData>,
  filter: DeadLetterFilter,
): Promise<ArrivalKey[]> {
  const keys: ArrivalKey[] = [];
  for (let offset = 0; ; offset += SCAN_BATCH) {
    const ids = await deadLetter.getRanges(['wait'], offset, offset + SCAN_BATCH - 1, false);
    for (const job of await Promise.all(ids.map((id) => deadLetter.getJob(id)))) {
      if (job === undefined || !matches(toDeadLetterEntry(job), filter)) continue;
      const { receivedAt, rawBody, eventKey } = job.data.job;
      keys.push({ id: job.id ?? eventKey, receivedAt, issueDatetime: issueDatetimeOf(rawBody) });
    }
    if (ids.length < SCAN_BATCH) return keys;
  }
}
