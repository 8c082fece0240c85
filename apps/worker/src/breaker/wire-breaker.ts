import { createBreakerStore, type EventJobData, type RedisClient } from '@ripio-webhooks/store';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { WorkerEnv } from '../env.js';
import type { HandlerRunner } from '../handlers/run-handlers.js';
import type { EventProcessor } from '../process-event.js';
import { BreakerGate } from './breaker-gate.js';
import { registerBreakerMetrics } from './breaker-metrics.js';
import { gatedProcessor, observedRunner } from './breaker-processor.js';

export interface BreakerWiring {
  /** The handler runner, counted by the breaker (as given when the breaker is off). */
  runner(runner: HandlerRunner): HandlerRunner;
  /** The processor behind the breaker (as given when the breaker is off). */
  processor(processor: EventProcessor): EventProcessor;
  stop: () => void;
}

/** How often each worker reads the shared breaker state: a quarter of the open time, between 50 ms and 1 s. */
function breakerPollMs(openMs: number): number {
  return Math.min(1_000, Math.max(50, Math.floor(openMs / 4)));
}

/**
 * The breaker's I/O: its Redis state, the poll that shows each worker what another decided (and whether an
 * operator paused processing, for the metric), and the metrics. BREAKER_ENABLED=false leaves the runner and
 * processor as they are; the metrics then say closed.
 */
export function wireBreaker(
  env: WorkerEnv,
  deps: { redis: RedisClient; events: Queue<EventJobData>; registry: Registry; logger: Logger },
): BreakerWiring {
  const { logger } = deps;
  const gate = new BreakerGate({
    store: createBreakerStore(deps.redis, env.QUEUE_PREFIX),
    settings: {
      windowMs: env.BREAKER_WINDOW_MS,
      minCalls: env.BREAKER_MIN_CALLS,
      failureRatio: env.BREAKER_FAILURE_RATIO,
      openMs: env.BREAKER_OPEN_MS,
    },
    // The longest a probe can take (handlers, then commit), as the entity lock is sized.
    probeLeaseMs: env.HANDLER_TIMEOUT_MS + env.JOB_LOCK_MS,
    recheckMs: breakerPollMs(env.BREAKER_OPEN_MS),
    logger,
  });
  const paused = { now: false };
  registerBreakerMetrics(deps.registry, gate, () => paused.now);
  const poll = async (): Promise<void> => {
    if (env.BREAKER_ENABLED) await gate.refresh();
    paused.now = await deps.events.isPaused();
  };
  const timer = setInterval(() => {
    poll().catch((error: unknown) => logger.debug({ err: error }, 'breaker poll failed'));
  }, breakerPollMs(env.BREAKER_OPEN_MS));
  timer.unref();
  return {
    runner: (runner) => (env.BREAKER_ENABLED ? observedRunner(runner, gate) : runner),
    processor: (processor) => (env.BREAKER_ENABLED ? gatedProcessor(processor, gate) : processor),
    stop: () => clearInterval(timer),
  };
}
