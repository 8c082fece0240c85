import { UnrecoverableEventError, type EventHandler, type HandledOutcome } from '@ripio-webhooks/handlers';
import { SpanKind, type Tracing } from '@ripio-webhooks/telemetry';
import { ForwardFailedError } from '../errors/forward-failed-error.js';
import { signingKeyOf, standardWebhookHeaders } from './standard-webhooks.js';

export interface ForwarderOptions {
  url: string;
  /** The `whsec_<base64>` Standard Webhooks signing secret (FORWARD_SECRET). */
  secret: string;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
  /** A client span around the POST, whose trace context the request carries (`traceparent`). */
  tracing?: Tracing;
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
  /** True when an operator's re-drive sends the event again (the same event key as the first time). */
  redrive: boolean;
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
  const { key } = signing;
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
        ...standardWebhookHeaders(key, eventKey, body, now()),
      };
      options.tracing?.inject(headers);
      return doFetch(options.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
      });
    };
    const response = await sendTraced(options, post);
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const message = `forward to ${options.url} answered ${response.status}`;
    if (isRetryableStatus(response.status)) throw new ForwardFailedError(message, response.status);
    throw new UnrecoverableEventError(message);
  };
}

/** Sends the forward, inside a client span when tracing is on; a network error or timeout is retryable. */
async function sendTraced(options: ForwarderOptions, post: () => Promise<Response>): Promise<Response> {
  try {
    return options.tracing?.enabled === true
      ? await options.tracing.inSpan(
          'POST forward',
          { kind: SpanKind.CLIENT, attributes: { 'url.full': options.url } },
          post,
        )
      : await post();
  } catch (error) {
    throw new ForwardFailedError(`forward to ${options.url} failed: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
}
