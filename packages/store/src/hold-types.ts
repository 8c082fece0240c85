/**
 * An entity on hold: from the first failed attempt of one of its events (the blocker) until that event commits or
 * an operator releases it, every other event of the entity is parked instead of applied. The hold, the parked
 * entries and the release record are stored as JSON by the Lua scripts; their shapes are the contracts' (the
 * admin API shows them as they are).
 */
export type { HeldEntity, Hold, ParkedEntry, ReleaseAction, ReleaseRecord } from '@ripio-webhooks/contracts';
import type { Hold, ParkedEntry } from '@ripio-webhooks/contracts';

/** What a commit or a release did to the entity's hold. */
export type HoldAdvance =
  { outcome: 'unchanged' } | { outcome: 'cleared' } | { outcome: 'advanced'; nextBlocker: string };

/** The blocker's identity, as holdOnFailure records it. */
export interface BlockerIdentity {
  eventKey: string;
  eventType: string;
  issueDatetime: string;
  receivedAt: string;
}

export type ParkResult =
  | { outcome: 'parked'; position: number; count: number; added: boolean }
  /** The event arrived before the blocker: it is the blocker now, and the caller still holds the lock. */
  | { outcome: 'preempted'; count: number }
  | { outcome: 'not_on_hold' };

export type HoldOnFailureResult =
  | { outcome: 'held' | 'updated' | 'other_blocker'; hold: Hold }
  | { outcome: 'released'; hold: Hold | undefined };

export type MarkDeadLetteredResult = { outcome: 'marked'; parkedCount: number } | { outcome: 'not_blocker' };

export type ReleaseHoldResult =
  | { outcome: 'released'; hold: Exclude<HoldAdvance, { outcome: 'unchanged' }> }
  | { outcome: 'not_on_hold' }
  | { outcome: 'not_blocker'; blocker: string };

/** An entity's hold with the events parked behind it, oldest first. */
export interface HoldRecord {
  hold: Hold;
  parked: ParkedEntry[];
}

/** Reads the `hold` of a script reply or a GET (`null`/`false`/`''`: none). */
export function parseHold(raw: unknown): Hold | undefined {
  return typeof raw === 'string' && raw !== '' ? (JSON.parse(raw) as Hold) : undefined;
}

/** Maps a script's hold-advance pair (`'none'|'cleared'|'advanced'`, next blocker) to a HoldAdvance. */
export function toHoldAdvance(hold: unknown, nextBlocker: unknown): HoldAdvance {
  switch (hold) {
    case 'none':
      return { outcome: 'unchanged' };
    case 'cleared':
      return { outcome: 'cleared' };
    case 'advanced':
      if (typeof nextBlocker !== 'string' || nextBlocker === '') {
        throw new Error(`a hold advanced without a next blocker: ${JSON.stringify(nextBlocker)}`);
      }
      return { outcome: 'advanced', nextBlocker };
    default:
      throw new Error(`unexpected hold advance from a script: ${JSON.stringify(hold)}`);
  }
}
