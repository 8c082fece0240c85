import type { EventType } from '@ripio-webhooks/schemas';
import { NO_TRACING, type Tracing } from '@ripio-webhooks/telemetry';
import { HandlerFailedError, type HandlerFailure } from '../errors/handler-failed-error.js';
import { HandlerTimeoutError } from '../errors/handler-timeout-error.js';
import type { EventHandler, HandlerContext, HandlerMap } from '@ripio-webhooks/handlers';

/** The name the built-in forwarder is known by (metrics, errors). */
export const FORWARD_HANDLER = 'forward';

interface NamedHandler {
  name: string;
  handler: EventHandler;
}

export interface HandlerRunnerOptions {
  handlers: HandlerMap;
  /** The built-in forwarder, when FORWARD_URL is set. */
  forwarder?: EventHandler | undefined;
  timeoutMs: number;
  /** Called once per failing handler (metrics, logs). */
  onFailure?: (handler: string, error: unknown) => void;
  /** A span per handler run (default: none). */
  tracing?: Tracing;
}

/** One handler's result when handlers run one by one (re-drives): its error message, null on success. */
export interface NamedResult {
  handler: string;
  error: string | null;
}

export interface HandlerRunner {
  /** Runs every handler of the event concurrently; throws HandlerFailedError if any threw or timed out. */
  run(context: Omit<HandlerContext, 'signal'>): Promise<void>;
  /** The names of the handlers an event of this type runs (its type's, `*`, `forward`), in run order. */
  namesFor(eventType: EventType): string[];
  /** Runs the named handlers of the event concurrently and answers each one's result (no throw). */
  runNamed(context: Omit<HandlerContext, 'signal'>, names: readonly string[]): Promise<NamedResult[]>;
}

/** Runs one handler with an abort signal and a deadline. */
async function runWithTimeout(
  { name, handler }: NamedHandler,
  context: Omit<HandlerContext, 'signal'>,
  timeoutMs: number,
): Promise<void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new HandlerTimeoutError(name, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    // `Promise.resolve().then` turns a synchronous throw into a rejection like any other.
    await Promise.race([
      Promise.resolve().then(() => handler({ ...context, signal: controller.signal })),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createHandlerRunner(options: HandlerRunnerOptions): HandlerRunner {
  const wildcard = options.handlers['*'];

  function resolve(eventType: EventType): NamedHandler[] {
    const resolved: NamedHandler[] = [];
    const specific = options.handlers[eventType] as EventHandler | undefined;
    if (specific !== undefined) resolved.push({ name: eventType, handler: specific });
    if (wildcard !== undefined) resolved.push({ name: '*', handler: wildcard });
    if (options.forwarder !== undefined) resolved.push({ name: FORWARD_HANDLER, handler: options.forwarder });
    return resolved;
  }

  return {
    namesFor: (eventType) => resolve(eventType).map((named) => named.name),
    async runNamed(context, names) {
      const handlers = resolve(context.event.eventType).filter((named) => names.includes(named.name));
      const settled = await Promise.allSettled(
        handlers.map((named) => runWithTimeout(named, context, options.timeoutMs)),
      );
      return handlers.map((named, index) => {
        const result = settled[index];
        if (result?.status !== 'rejected') return { handler: named.name, error: null };
        options.onFailure?.(named.name, result.reason);
        return { handler: named.name, error: errorMessage(result.reason) };
      });
    },
    async run(context) {
      const handlers = resolve(context.event.eventType);
      const tracing = options.tracing ?? NO_TRACING;
      const settled = await Promise.allSettled(
        handlers.map((named) =>
          tracing.inSpan(`handler ${named.name}`, { attributes: { 'ripio.handler': named.name } }, () =>
            runWithTimeout(named, context, options.timeoutMs),
          ),
        ),
      );
      const failures: HandlerFailure[] = [];
      settled.forEach((result, index) => {
        const named = handlers[index];
        if (result.status === 'rejected' && named !== undefined) {
          failures.push({ handler: named.name, error: result.reason });
          options.onFailure?.(named.name, result.reason);
        }
      });
      if (failures.length > 0) throw new HandlerFailedError(context.eventKey, failures);
    },
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
