import { findSignatureHeader, intakeProver, verifyRipioSignature } from '@ripio-webhooks/core';
import { eventJobOf, type EventJob } from '@ripio-webhooks/schemas';
import type { EventEnqueuer } from '@ripio-webhooks/store';
import type { BadRequestReason, IntakeOutcome } from './intake-outcome.js';

export interface IngestConfig {
  /** Every active secret; a signature matching any of them is valid (rotation without downtime). */
  secrets: readonly string[];
  /** INTAKE_PROOF_KEYS: the first signs the proof every job carries (the worker checks it before anything else). */
  intakeProofKeys: readonly string[];
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
  /** The request span's trace context (tracing on), carried in the job. */
  traceparent?: string | undefined;
}

/** What a request is before Redis is asked: a refusal, or the job to enqueue. */
export type Screening =
  | Extract<IntakeOutcome, { outcome: 'bad_signature' | 'bad_request' | 'too_old' }>
  | { outcome: 'ready'; job: EventJob };

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
 * Screens one webhook request, without I/O. A signed event whose type is unknown or whose fields are invalid
 * is still enqueued (the worker decides what becomes of it); only a body that is not a JSON object or has no
 * `eventType` string is refused.
 */
export function screenRequest(request: IngestRequest, config: IngestConfig): Screening {
  // 1. The signature, over the exact bytes, against every active secret.
  const signature = verifyRipioSignature(request.rawBody, request.headers, config.secrets);
  if (signature.outcome !== 'valid') return { outcome: 'bad_signature', reason: signature.outcome };

  // 2. The envelope: a JSON object with an `eventType` string (decoded once, never validated here).
  const { rawBody } = request;
  const text = rawBody.toString('utf8');
  const envelope = decodeObject(text);
  if (typeof envelope === 'string') return { outcome: 'bad_request', reason: envelope };
  const wireType = envelope.eventType;
  if (typeof wireType !== 'string' || wireType === '') {
    return { outcome: 'bad_request', reason: 'no_event_type' };
  }

  // 3. The job: event key, name and data, with the proof that this receiver verified it (Ripio's header as it
  //    arrived, and a MAC of our own over the body, event key and receipt time). The worker validates, and a
  //    valid event gets the same key there.
  const signatureHeader = findSignatureHeader(request.headers);
  if (signatureHeader === undefined) throw new Error('a verified request has a signature header');
  const job = eventJobOf({
    envelope,
    rawBody,
    rawText: text,
    receivedAtMs: request.nowMs,
    requestId: request.requestId,
    prove: intakeProver(config.intakeProofKeys, signatureHeader),
    traceparent: request.traceparent,
  });

  // 4. The optional age check.
  if (config.maxEventAgeSeconds > 0) {
    const ageSeconds = ageSecondsOf(envelope, request.nowMs);
    if (ageSeconds !== undefined && ageSeconds > config.maxEventAgeSeconds) {
      return { outcome: 'too_old', eventKey: job.eventKey, ageSeconds };
    }
  }
  return { outcome: 'ready', job };
}

/**
 * The intake of one webhook request: screen it (pure), then enqueue its job through the store's enqueuer, which
 * answers only once Redis has replied for it. Never rejects: every request ends as one `IntakeOutcome`.
 */
export async function ingest(
  request: IngestRequest,
  config: IngestConfig,
  enqueuer: Pick<EventEnqueuer, 'enqueue'>,
): Promise<IntakeOutcome> {
  const screening = screenRequest(request, config);
  if (screening.outcome !== 'ready') return screening;
  // 5. The add: EXISTS + add of this job, batched with the other requests of this event-loop turn.
  const { job } = screening;
  const result = await enqueuer.enqueue(job);
  return { ...result, eventKey: job.eventKey, jobName: job.name };
}
