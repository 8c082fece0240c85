import type { Tracing } from '@ripio-webhooks/telemetry';
import type { Logger } from 'pino';
import type { WorkerEnv } from './env.js';
import type { EventHandler, HandlerMap } from '@ripio-webhooks/handlers';
import { createForwarder } from './handlers/forwarder.js';
import { loadHandlers } from './handlers/load-handlers.js';
import { createHandlerRunner, type HandlerRunner } from './handlers/run-handlers.js';
import type { WorkerMetrics } from './metrics.js';

export interface HandlerSet {
  map: HandlerMap;
  forwarder: EventHandler | undefined;
}

/** The operator's handlers (given, or HANDLERS_MODULE) and the built-in forwarder when FORWARD_URL is set. */
export async function loadHandlerSet(
  env: WorkerEnv,
  given: HandlerMap | undefined,
  tracing: Tracing,
): Promise<HandlerSet> {
  const map = given ?? (env.HANDLERS_MODULE === undefined ? {} : await loadHandlers(env.HANDLERS_MODULE));
  const forwarder =
    env.FORWARD_URL === undefined || env.FORWARD_SECRET === undefined
      ? undefined
      : createForwarder({
          url: env.FORWARD_URL,
          secret: env.FORWARD_SECRET,
          timeoutMs: env.FORWARD_TIMEOUT_MS,
          tracing,
        });
  return { map, forwarder };
}

/** The handler runner: each failure counted and logged. */
export function createRunner(
  env: WorkerEnv,
  handlers: HandlerSet,
  metrics: WorkerMetrics,
  logger: Logger,
  tracing: Tracing,
): HandlerRunner {
  return createHandlerRunner({
    tracing,
    handlers: handlers.map,
    forwarder: handlers.forwarder,
    timeoutMs: env.HANDLER_TIMEOUT_MS,
    onFailure: (handler, error) => {
      metrics.handlerFailures.inc({ handler });
      logger.warn({ handler, error: (error as Error).message }, 'handler failed');
    },
  });
}
