import type { SignatureCheck } from '@ripio-webhooks/core';
import type { EnqueueErrorReason } from '@ripio-webhooks/store';

export type SignatureFailureReason = Exclude<SignatureCheck['outcome'], 'valid'>;

/** Why a signed body is refused: it is not JSON, not a JSON object, or has no `eventType` string. */
export type BadRequestReason = 'not_json' | 'not_an_object' | 'no_event_type';

/** How one webhook request ended. Every request ends as exactly one of these; `answerOf` maps it to HTTP. */
export type IntakeOutcome =
  | { outcome: 'accepted'; eventKey: string; jobName: string }
  | { outcome: 'duplicate'; eventKey: string; jobName: string }
  | { outcome: 'bad_signature'; reason: SignatureFailureReason }
  | { outcome: 'bad_request'; reason: BadRequestReason }
  /** The body could not be read at all (an unknown Content-Encoding, a broken stream): `status` is the reader's. */
  | { outcome: 'bad_request'; reason: 'unreadable_body'; status: number; readerError: string }
  | { outcome: 'too_large'; limitBytes: number }
  | { outcome: 'too_old'; eventKey: string; ageSeconds: number }
  | { outcome: 'unavailable'; eventKey: string; jobName: string; reason: EnqueueErrorReason; error: unknown };

/** How an intake request ended: the `outcome` label of the receiver's request metrics (and of its log line). */
export const INTAKE_OUTCOME_LABELS = [
  'accepted',
  'duplicate',
  'bad_signature',
  'bad_request',
  'too_large',
  'unavailable',
] as const;
export type IntakeOutcomeLabel = (typeof INTAKE_OUTCOME_LABELS)[number];

/** What one webhook request is answered: status, JSON body, headers, and what its log line says. */
export interface IntakeAnswer {
  status: number;
  /** `body.status` is also the `outcome` label of the request metrics and of the log line. */
  body: { status: IntakeOutcomeLabel; [field: string]: unknown };
  headers: Record<string, string>;
  /** Fields of the request's log line beyond requestId, outcome, status, size and time. */
  log: Record<string, unknown>;
}

export interface AnswerSettings {
  /** `Retry-After` of every 503. */
  retryAfterSeconds: number;
}

const BAD_REQUEST_MESSAGES = {
  not_json: 'the body is not JSON',
  not_an_object: 'the body is not a JSON object',
  no_event_type: 'the body has no eventType string',
} as const;

function reply(
  status: number,
  body: IntakeAnswer['body'],
  log: IntakeAnswer['log'],
  headers: IntakeAnswer['headers'] = {},
): IntakeAnswer {
  return { status, body, headers, log };
}

/** The one mapping from an intake outcome to its HTTP answer. */
export function answerOf(intake: IntakeOutcome, settings: AnswerSettings): IntakeAnswer {
  switch (intake.outcome) {
    case 'accepted':
    case 'duplicate': {
      const { outcome, eventKey, jobName } = intake;
      return reply(202, { status: outcome, eventKey }, { eventKey, eventType: jobName });
    }
    case 'bad_signature':
      return reply(
        401,
        { status: 'bad_signature', error: 'missing or invalid signature' },
        { reason: intake.reason },
      );
    case 'bad_request':
      return intake.reason === 'unreadable_body'
        ? reply(
            intake.status,
            { status: 'bad_request', error: 'the body could not be read' },
            { reason: intake.readerError },
          )
        : reply(
            400,
            { status: 'bad_request', error: BAD_REQUEST_MESSAGES[intake.reason] },
            { reason: intake.reason },
          );
    case 'too_large':
      return reply(413, { status: 'too_large', error: `the body is over ${intake.limitBytes} bytes` }, {});
    case 'too_old': {
      const { eventKey } = intake;
      const error = 'issueDatetime is older than MAX_EVENT_AGE_SECONDS allows';
      const log = { reason: 'too_old', eventKey, ageSeconds: Math.round(intake.ageSeconds) };
      return reply(400, { status: 'bad_request', eventKey, error }, log);
    }
    case 'unavailable': {
      const { eventKey, jobName, reason, error } = intake;
      const body = {
        status: 'unavailable',
        error: 'the event could not be queued now; retry later',
      } as const;
      const retryAfter = { 'Retry-After': String(settings.retryAfterSeconds) };
      return reply(503, body, { eventKey, eventType: jobName, reason, err: error }, retryAfter);
    }
    default: {
      const unexpected: never = intake;
      throw new Error(`unhandled intake outcome ${JSON.stringify(unexpected)}`);
    }
  }
}
