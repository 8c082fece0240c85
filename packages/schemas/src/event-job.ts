import { catalogEntryOf } from './catalog.js';
import { eventKeyOfUnvalidated, sha256Hex } from './event-key.js';

/** The data of a job on the events queue: what the receiver knew when it acknowledged the event. */
export interface EventJobData {
  /** The exact request body, decoded as UTF-8 (Ripio escapes non-ASCII, so its bodies are ASCII). */
  rawBody: string;
  bodySha256: string;
  /** ISO time the receiver read the request. */
  receivedAt: string;
  eventKey: string;
  requestId: string;
  /** The `eventType` string of the envelope (as sent), when there was one. */
  eventType: string | null;
  /** Set when an operator replayed the event from the dead-letter queue: the time of the replay. */
  replayedAt?: string;
  /** Set by the worker at the first failed attempt (kept for the dead-letter entry; cleared by a replay). */
  firstFailedAt?: string;
}

/** Job name when the envelope names no event type the catalog knows. */
export const UNKNOWN_JOB_NAME = 'unknown';

/** One job for the events queue: its name (canonical event type or `unknown`), id and data. */
export interface EventJob {
  name: string;
  eventKey: string;
  data: EventJobData;
}

export interface EventJobInput {
  /** The decoded body (not validated: the worker validates). */
  envelope: Readonly<Record<string, unknown>>;
  /** The exact request bytes (hashed, and the raw event key's input). */
  rawBody: Uint8Array | string;
  /** `rawBody` decoded as UTF-8. */
  rawText: string;
  receivedAtMs: number;
  requestId: string;
}

/**
 * The job for one signed event, as the receiver enqueues it; pure (the queue's options and the add itself are
 * the store's). The event key is read without validation (`eventKeyOfUnvalidated`); the worker derives the same
 * key from the validated event.
 */
export function eventJobOf(input: EventJobInput): EventJob {
  const wireType = typeof input.envelope.eventType === 'string' ? input.envelope.eventType : null;
  const eventKey = eventKeyOfUnvalidated(input.envelope, input.rawBody);
  return {
    name: (wireType === null ? undefined : catalogEntryOf(wireType)?.eventType) ?? UNKNOWN_JOB_NAME,
    eventKey,
    data: {
      rawBody: input.rawText,
      bodySha256: sha256Hex(input.rawBody),
      receivedAt: new Date(input.receivedAtMs).toISOString(),
      eventKey,
      requestId: input.requestId,
      eventType: wireType,
    },
  };
}
