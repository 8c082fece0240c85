import type { DeadLetterReason, EventLogOutcome, EventLogRecord } from '@ripio-webhooks/contracts';
import { catalogEntryOf, eventIdentityOfKey, type ParsedEvent } from '@ripio-webhooks/schemas';
import type { EntityState, EventJobData } from '@ripio-webhooks/store';

/** What one outcome adds to the job's own data in its event-log record. */
export interface LoggedOutcome {
  outcome: EventLogOutcome;
  /** ISO time of the outcome. */
  at: string;
  /** Attempts made, this one included. */
  attempts: number;
  /** The validated event, when the body is one. */
  event?: ParsedEvent;
  /** The entity after a committed event that changed it. */
  entity?: EntityState;
  error?: string;
  deadLetterReason?: DeadLetterReason;
}

/**
 * Pure: the event-log record of one outcome of a job, as the archiver reads it (see EventLogRecord). Fields the
 * event did not validate enough to give are read from its key, its envelope type, or left null.
 */
export function eventLogRecordOf(data: EventJobData, logged: LoggedOutcome): EventLogRecord {
  const { event } = logged;
  const identity = event === undefined ? eventIdentityOfKey(data.eventKey) : undefined;
  const eventType = event?.eventType ?? identity?.eventType ?? data.eventType;
  return {
    v: 1,
    eventKey: data.eventKey,
    outcome: logged.outcome,
    at: logged.at,
    receivedAt: data.receivedAt,
    issuedAt: validTime(event?.issueDatetime ?? issueDatetimeOf(data.rawBody)),
    kind: event?.kind ?? identity?.kind ?? null,
    entityId: event?.entityId ?? identity?.entityId ?? null,
    eventType,
    family: event?.family ?? (eventType === null ? undefined : catalogEntryOf(eventType)?.family) ?? null,
    rawBody: data.rawBody,
    bodySha256: data.bodySha256,
    requestId: data.requestId,
    proof: data.proof ?? null,
    attempts: logged.attempts,
    error: logged.error ?? null,
    deadLetterReason: logged.deadLetterReason ?? null,
    replayedAt: data.replayedAt ?? null,
    entity:
      logged.entity === undefined
        ? null
        : { status: logged.entity.status, version: logged.entity.version, state: logged.entity },
  };
}

/** The envelope's `issueDatetime` of a body that did not validate, when it has a string one. */
function issueDatetimeOf(rawBody: string): string | undefined {
  try {
    const envelope = JSON.parse(rawBody) as unknown;
    if (envelope !== null && typeof envelope === 'object' && 'issueDatetime' in envelope) {
      const value = envelope.issueDatetime;
      return typeof value === 'string' ? value : undefined;
    }
  } catch {
    // Not JSON: no issue time.
  }
  return undefined;
}

/** An ISO time Postgres can store, or null (a time that does not parse is not an issue time). */
function validTime(text: string | undefined): string | null {
  if (text === undefined) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
