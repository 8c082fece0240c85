import { verifyRipioSignature } from '@ripio-webhooks/core';
import { eventJobOf, type EventJobData } from '@ripio-webhooks/store';

export interface IngestConfig {
  /** Every active secret; a signature matching any of them is valid (rotation without downtime). */
  secrets: readonly string[];
  /** Refuse events whose `issueDatetime` is older than this; 0 turns the check off. */
  maxEventAgeSeconds: number;
}

export interface IngestRequest {
  /** The exact request bytes. */
  rawBody: Buffer;
  /** Lower-cased request headers, as Node presents them. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  requestId: string;
  nowMs: number;
}

export type BadRequestReason = 'not_json' | 'not_an_object' | 'no_event_type';

/** What the receiver does with one request; the HTTP layer maps each kind to a status code. */
export type IngestDecision =
  | { kind: 'bad_signature'; reason: 'missing' | 'malformed' | 'mismatch' }
  | { kind: 'bad_request'; reason: BadRequestReason }
  | { kind: 'too_old'; eventKey: string; ageSeconds: number }
  | {
      kind: 'enqueue';
      eventKey: string;
      /** Canonical event type, or `unknown`: the BullMQ job name and the metric label (a bounded set). */
      jobName: string;
      data: EventJobData;
    };

type JsonObject = Record<string, unknown>;

function decodeObject(text: string): JsonObject | BadRequestReason {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'not_json';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'not_an_object';
  return json as JsonObject;
}

/** Seconds since `issueDatetime`, or undefined when it is absent or unreadable (then the age check passes). */
function ageSecondsOf(envelope: JsonObject, nowMs: number): number | undefined {
  const issued = envelope.issueDatetime;
  if (typeof issued !== 'string') return undefined;
  const issuedMs = Date.parse(issued);
  return Number.isNaN(issuedMs) ? undefined : (nowMs - issuedMs) / 1000;
}

/**
 * Decides what to do with one webhook request, without I/O: verify the signature over the exact bytes, read the
 * envelope, derive the event key and build the job. A signed event whose type is unknown or whose fields are
 * invalid is still enqueued (the worker decides what becomes of it); only a body that is not a JSON object or
 * has no `eventType` string is refused.
 */
export function ingest(request: IngestRequest, config: IngestConfig): IngestDecision {
  const signature = verifyRipioSignature(request.rawBody, request.headers, config.secrets);
  if (signature.outcome !== 'valid') return { kind: 'bad_signature', reason: signature.outcome };

  const { rawBody } = request;
  const text = rawBody.toString('utf8');
  const envelope = decodeObject(text);
  if (typeof envelope === 'string') return { kind: 'bad_request', reason: envelope };
  const wireType = envelope.eventType;
  if (typeof wireType !== 'string' || wireType === '') {
    return { kind: 'bad_request', reason: 'no_event_type' };
  }

  // Without validation: the worker validates, and a valid event gets the same key there (identifyEvent).
  const job = eventJobOf({
    envelope,
    rawBody,
    rawText: text,
    receivedAtMs: request.nowMs,
    requestId: request.requestId,
  });
  if (config.maxEventAgeSeconds > 0) {
    const ageSeconds = ageSecondsOf(envelope, request.nowMs);
    if (ageSeconds !== undefined && ageSeconds > config.maxEventAgeSeconds) {
      return { kind: 'too_old', eventKey: job.eventKey, ageSeconds };
    }
  }
  return { kind: 'enqueue', eventKey: job.eventKey, jobName: job.name, data: job.data };
}
