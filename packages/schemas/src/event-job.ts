import { catalogEntryOf } from './catalog.js';
import { eventKeyOfUnvalidated, sha256Hex } from './event-key.js';

/** Ripio's signature header as it arrived at the receiver: its name (lower-cased, as Node presents it) and value. */
export interface RipioSignatureHeader {
  header: string;
  value: string;
}

/** What an intake proof binds: the exact body, the event key and the time the receiver read the request. */
export interface IntakeProofSubject {
  rawBody: string;
  eventKey: string;
  receivedAt: string;
}

/**
 * Proof that a receiver verified the event, which the worker checks before anything else (signed and checked by
 * `@ripio-webhooks/core`'s intake proof). Jobs put on the queue by anyone else lack it or carry one that fails.
 */
export interface IntakeProof {
  /** Version of the canonical string `mac` is computed over. */
  version: 1;
  /** Ripio's signature header, exactly as it arrived (a fallback the worker can check with Ripio's secrets). */
  ripioSignature: RipioSignatureHeader;
  /** Fingerprint of the INTAKE_PROOF_KEYS key that made `mac` (never the key itself). */
  keyId: string;
  /** Hex HMAC-SHA256 of the receiver, over the canonical string of the `IntakeProofSubject`. */
  mac: string;
}

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
  /** The receiver's proof that it verified the event; kept unchanged by replays and retries. */
  proof: IntakeProof;
  /** Set when an operator replayed the event from the dead-letter queue: the time of the replay. */
  replayedAt?: string;
  /** Set by the worker at the first failed attempt (kept for the dead-letter entry; cleared by a replay). */
  firstFailedAt?: string;
  /** W3C trace context of the receiver's span, when tracing is on: the worker's spans continue its trace. */
  traceparent?: string;
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
  /** Signs what the proof binds (the receiver's key; see core's `intakeProver`). */
  prove: (subject: IntakeProofSubject) => IntakeProof;
  /** The receiver's trace context, when tracing is on. */
  traceparent?: string | undefined;
}

/**
 * The job for one signed event, as the receiver enqueues it; pure (the queue's options and the add itself are
 * the store's). The event key is read without validation (`eventKeyOfUnvalidated`); the worker derives the same
 * key from the validated event.
 */
export function eventJobOf(input: EventJobInput): EventJob {
  const wireType = typeof input.envelope.eventType === 'string' ? input.envelope.eventType : null;
  const eventKey = eventKeyOfUnvalidated(input.envelope, input.rawBody);
  const receivedAt = new Date(input.receivedAtMs).toISOString();
  return {
    name: (wireType === null ? undefined : catalogEntryOf(wireType)?.eventType) ?? UNKNOWN_JOB_NAME,
    eventKey,
    data: {
      rawBody: input.rawText,
      bodySha256: sha256Hex(input.rawBody),
      receivedAt,
      eventKey,
      requestId: input.requestId,
      eventType: wireType,
      proof: input.prove({ rawBody: input.rawText, eventKey, receivedAt }),
      ...(input.traceparent === undefined ? {} : { traceparent: input.traceparent }),
    },
  };
}
