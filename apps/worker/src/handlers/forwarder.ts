import { ForwardFailedError } from '../errors/forward-failed-error.js';
import { UnrecoverableEventError } from '../errors/unrecoverable-event-error.js';
import type { EventHandler, HandledOutcome } from './define-handlers.js';
import { signingKeyOf, standardWebhookHeaders } from './standard-webhooks.js';

export interface ForwarderOptions {
  url: string;
  /** The `whsec_<base64>` Standard Webhooks signing secret (FORWARD_SECRET). */
  secret: string;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
  /** The clock of `webhook-timestamp` (tests). */
  now?: () => Date;
}

/** The JSON body the forwarder posts. */
export interface ForwardBody {
  eventKey: string;
  eventType: string;
  kind: string;
  entityId: string;
  outcome: HandledOutcome;
  /** Status before the event (null: new entity). */
  from: string | null;
  /** Status after the event (the same as `from` for a late event or a conflict). */
  to: string;
  event: unknown;
  entity: unknown;
}

/** Statuses worth retrying: timeouts, too early, rate limited, and every 5xx. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * The built-in handler behind FORWARD_URL: POSTs each handled transition as JSON, signed per Standard Webhooks
 * (`webhook-id` is the event key; each attempt gets its own `webhook-timestamp` and signature). A 2xx is success; a
 * timeout, a network error, 408/425/429 or 5xx is retried; any other status (a 4xx: the service refuses this
 * request as it is) is unrecoverable and dead-letters the event at once, to be replayed after the fix.
 */
export function createForwarder(options: ForwarderOptions): EventHandler {
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const signing = signingKeyOf(options.secret);
  // The worker's settings refuse such a secret first: reaching this is a bug.
  if (!signing.ok) throw new Error(`FORWARD_SECRET ${signing.problem}`);
  return async ({ event, eventKey, outcome, before, after, signal }) => {
    const payload: ForwardBody = {
      eventKey,
      eventType: event.eventType,
      kind: event.kind,
      entityId: event.entityId,
      outcome,
      from: before?.status ?? null,
      to: after.status,
      event,
      entity: after,
    };
    const body = JSON.stringify(payload);
    let response: Response;
    try {
      response = await doFetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...standardWebhookHeaders(signing.key, eventKey, body, now()),
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
      });
    } catch (error) {
      throw new ForwardFailedError(
        `forward to ${options.url} failed: ${(error as Error).message}`,
        undefined,
        {
          cause: error,
        },
      );
    }
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const message = `forward to ${options.url} answered ${response.status}`;
    if (isRetryableStatus(response.status)) throw new ForwardFailedError(message, response.status);
    throw new UnrecoverableEventError(message);
  };
}
