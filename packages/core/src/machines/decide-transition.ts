import type { EntityKind } from '@ripio-webhooks/schemas';
import { reachableFrom } from './machines.js';

/**
 * What an event does to its entity, before any I/O (a decision: discriminant `kind`; its values become the
 * outcome of the event). `duplicate` is decided earlier, from the event key.
 */
export type Decision =
  /** The entity moves (or is created), or stays in the same status with new information. */
  | { kind: 'applied'; from: string | null; to: string }
  /** The event's status has already been passed: recorded in history only. */
  | { kind: 'late'; status: string; eventStatus: string }
  /** The event contradicts the current status: recorded in history only, and flagged. */
  | { kind: 'conflict'; status: string; eventStatus: string };

/**
 * Decides an event with status `eventStatus` for an entity in `currentStatus` (null: no entity yet), by
 * reachability in the kind's machine:
 * - no entity, the same status, or a status reachable from the current one: `applied` (missing intermediate
 *   events may be skipped);
 * - the current status reachable from the event's: `late`;
 * - neither: `conflict`.
 * Throws for a status the kind does not have: callers pass catalog statuses only.
 */
export function decideTransition(
  kind: EntityKind,
  currentStatus: string | null,
  eventStatus: string,
): Decision {
  const fromEvent = reachableFrom(kind, eventStatus);
  if (currentStatus === null) return { kind: 'applied', from: null, to: eventStatus };
  const fromCurrent = reachableFrom(kind, currentStatus);
  if (currentStatus === eventStatus || fromCurrent.has(eventStatus)) {
    return { kind: 'applied', from: currentStatus, to: eventStatus };
  }
  if (fromEvent.has(currentStatus)) return { kind: 'late', status: currentStatus, eventStatus };
  return { kind: 'conflict', status: currentStatus, eventStatus };
}
