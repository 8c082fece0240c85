import type {
  CommitResult,
  EntityHistoryEntry,
  EntityState,
  HistoryEntry,
  LockAndLoadResult,
} from './entity-types.js';
import { parseHold, toHoldAdvance, type ParkedEntry, type ReleaseRecord } from './hold-types.js';

/* The replies of lockAndLoad-7.lua and commitEvent-8.lua, read into the entity store's types. */

export function parseEntity(json: string): EntityState {
  return JSON.parse(json) as EntityState;
}

export function parseHistoryEntry(json: string): EntityHistoryEntry {
  return JSON.parse(json) as EntityHistoryEntry;
}

/** The entries that record an event's committed outcome (an operator's releases are not events' decisions). */
function committedEntries(entries: readonly string[]): HistoryEntry[] {
  return entries
    .map(parseHistoryEntry)
    .filter((entry): entry is HistoryEntry => entry.outcome !== 'released');
}

/** Maps commitEvent-8.lua's reply to a CommitResult; anything else is a bug in the script or its caller. */
export function toCommitResult(reply: unknown): CommitResult {
  const [status, hold, nextBlocker] = Array.isArray(reply) ? (reply as unknown[]) : [reply];
  switch (status) {
    case 'committed':
      return { outcome: 'committed', hold: toHoldAdvance(hold, nextBlocker) };
    case 'lock_lost':
    case 'version_mismatch':
    case 'already_seen':
    case 'on_hold':
      return { outcome: status };
    default:
      throw new Error(`commitEvent-8.lua returned an unexpected reply: ${JSON.stringify(reply)}`);
  }
}

const jsonOrUndefined = <T>(raw: unknown): T | undefined =>
  typeof raw === 'string' ? (JSON.parse(raw) as T) : undefined;

export function toLockAndLoadResult(reply: unknown): LockAndLoadResult {
  if (!Array.isArray(reply)) throw new Error(`lockAndLoad-7.lua returned ${JSON.stringify(reply)}`);
  const [acquired, entity, seen, history, hold, released, parked] = reply as unknown[];
  if (acquired === 0) return { outcome: 'busy' };
  return {
    outcome: 'locked',
    entity: typeof entity === 'string' ? parseEntity(entity) : undefined,
    seenOutcome: typeof seen === 'string' ? seen : undefined,
    history: committedEntries(Array.isArray(history) ? (history as string[]) : []),
    hold: parseHold(hold),
    released: jsonOrUndefined<ReleaseRecord>(released),
    parked: jsonOrUndefined<ParkedEntry>(parked),
  };
}
