/**
 * An entity on hold: from the first failed attempt of one of its events (the blocker) until that event commits or
 * an operator releases it, every other event of the entity is parked instead of applied. Stored as JSON at
 * `<prefix>:{<kind>:<id>}:hold` by the Lua scripts.
 */
export type HoldState = 'retrying' | 'dead_lettered' | 'draining';

export interface Hold {
  /** The event key of the event the entity waits for. */
  blocker: string;
  blockerType: string;
  /** The blocker's `issueDatetime` and the time the receiver read it. */
  issueDatetime: string;
  receivedAt: string;
  /** When this event became the blocker (ISO). */
  since: string;
  /**
   * `retrying`: its attempts fail and it retries; `dead_lettered`: it is in the dead-letter queue (replay or
   * release it); `draining`: a parked event that became the blocker when the one before it committed.
   */
  state: HoldState;
  /** Attempts of the blocker that failed (0 for a draining blocker that has not failed). */
  attempts: number;
  lastError?: string;
  lastFailedAt?: string;
  deadLetteredAt?: string;
}

/** One event parked behind a hold (its payload stays in its events-queue job, whose id is the event key). */
export interface ParkedEntry {
  eventKey: string;
  eventType: string;
  issueDatetime: string;
  receivedAt: string;
  /** When it was first parked (ISO). */
  parkedAt: string;
  /**
   * Set on a blocker that was dead-lettered and then parked because an event that arrived before it took its
   * place: when it becomes the blocker again, the hold is `dead_lettered` (replay or release it).
   */
  deadLettered?: true;
}

export type ReleaseAction = 'discard' | 'skip';

/** An operator's release of a hold, stored with the released event and in the entity's history. */
export interface ReleaseRecord {
  /** `discard`: the blocker is dropped (its dead-letter entry removed); `skip`: its entry stays for a later replay. */
  action: ReleaseAction;
  reason: string;
  operator: string;
  /** ISO time of the release. */
  at: string;
}

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
