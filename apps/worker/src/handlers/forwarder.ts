import { createHmac } from 'node:crypto';
import { UnrecoverableEventError, type EventHandler, type HandledOutcome } from '@ripio-webhooks/handlers';
import { ForwardFailedError } from '../errors/forward-failed-error.js';
import { SpanKind, type Tracing } from '@ripio-webhooks/telemetry';

/** The header carrying `sha256=<hex HMAC-SHA256 of the exact body with FORWARD_SECRET>`. */
export const FORWARD_SIGNATURE_HEADER = 'X-Ripio-Webhooks-Signature';
/** The header carrying the event key, for the receiving service's own idempotency. */
export const FORWARD_EVENT_KEY_HEADER = 'X-Ripio-Webhooks-Event-Key';

export interface ForwarderOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
  /** A client span around the POST, whose trace context the request carries (`traceparent`). */
  tracing?: Tracing;
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
  /** True when an operator's re-drive sends the event again (the same event key as the first time). */
  redrive: boolean;
}

export function forwardSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Statuses worth retrying: timeouts, too early, rate limited, and every 5xx. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * The built-in handler behind FORWARD_URL: POSTs each handled transition as JSON, signed. A 2xx is success; a
 * timeout, a network error, 408/425/429 or 5xx is retried; any other status (a 4xx: the service refuses this
 * request as it is) is unrecoverable and dead-letters the event at once, to be replayed after the fix.
 */
export function createForwarder(options: ForwarderOptions): EventHandler {
  const doFetch = options.fetch ?? globalThis.fetch;
  return async ({ event, eventKey, outcome, before, after, signal, redrive }) => {
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
      redrive,
    };
    const body = JSON.stringify(payload);
    const post = (): Promise<Response> => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        [FORWARD_SIGNATURE_HEADER]: forwardSignature(options.secret, body),
        [FORWARD_EVENT_KEY_HEADER]: eventKey,
      };
      options.tracing?.inject(headers);
      const init = { method: 'POST', headers, body };
      return doFetch(options.url, {
        ...init,
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
      });
    };
    let response: Response;
    try {
      response =
        options.tracing?.enabled === true
          ? await options.tracing.inSpan(
              'POST forward',
              { kind: SpanKind.CLIENT, attributes: { 'url.full': options.url } },
              post,
            )
          : await post();
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
