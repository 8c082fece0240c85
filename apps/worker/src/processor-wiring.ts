import type { RetryPolicy } from '@ripio-webhooks/core';
import type { Tracing } from '@ripio-webhooks/telemetry';
import {
  createDeadLetterStore,
  createEntityStore,
  createEventLogStream,
  createUnsettledIndex,
  openEventsQueue,
  type DeadLetterStore,
  type EntityStore,
  type EventJobData,
  type RedisClient,
  type UnsettledIndex,
} from '@ripio-webhooks/store';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { WorkerEnv } from './env.js';
import type { HandlerRunner } from './handlers/run-handlers.js';
import { createWorkerHolds } from './holds/hold-actions.js';
import type { WorkerMetrics } from './metrics.js';
import { createOutcomeCounter, type OutcomeCounter } from './outcome-counter.js';
import { createEventProcessor, type EventProcessor, type ProcessorSettings } from './process-event.js';

/** The stores the worker's processor and sweeps share. */
export interface WorkerStores {
  events: Queue<EventJobData>;
  deadLetters: DeadLetterStore;
  entities: EntityStore;
  unsettled: UnsettledIndex;
}

export function openWorkerStores(env: WorkerEnv, redis: RedisClient): WorkerStores {
  const queuePrefix = env.QUEUE_PREFIX;
  return {
    // Opening the queue with writeMeta sets the cap of its events stream.
    events: openEventsQueue({ redis, queuePrefix }, { writeMeta: true }),
    deadLetters: createDeadLetterStore({ redis, queuePrefix }),
    entities: createEntityStore({ redis, queuePrefix, entityRetentionSeconds: entityRetentionSeconds(env) }),
    unsettled: createUnsettledIndex(redis, queuePrefix),
  };
}

/** What the event processor is wired from, besides the settings. */
export interface ProcessorParts {
  redis: RedisClient;
  events: Queue<EventJobData>;
  deadLetters: DeadLetterStore;
  handlers: HandlerRunner;
  metrics: WorkerMetrics;
  logger: Logger;
  random: () => number;
  retry: RetryPolicy;
  entities: EntityStore;
  /** The index of unsettled entities (stuck detection), kept up to date after each commit. */
  unsettled: UnsettledIndex;
  tracing: Tracing;
}

/** The events queue's processor: the stores, holds, handlers and outcome counter it uses, from the settings. */
export function wireProcessor(env: WorkerEnv, parts: ProcessorParts): EventProcessor {
  const { redis, logger } = parts;
  const queuePrefix = env.QUEUE_PREFIX;
  return createEventProcessor({
    settings: processorSettings(env, parts.retry),
    entities: parts.entities,
    unsettled: parts.unsettled,
    tracing: parts.tracing,
    deadLetters: parts.deadLetters,
    holds: createWorkerHolds(redis, queuePrefix, parts.events),
    handlers: parts.handlers,
    metrics: parts.metrics,
    outcomes: outcomeCounterOf(redis, queuePrefix, logger),
    logger,
    random: parts.random,
    ...(env.EVENT_LOG === 'postgres' ? { eventLog: createEventLogStream(redis, queuePrefix) } : {}),
  });
}

/** Counted in memory, written once a second and whenever no job is in flight: no Redis request per event. */
function outcomeCounterOf(redis: RedisClient, queuePrefix: string, logger: Logger): OutcomeCounter {
  return createOutcomeCounter({
    redis,
    queuePrefix,
    onError: (error) => logger.warn({ err: error }, 'could not record the outcome counters'),
  });
}

/** ENTITY_RETENTION_DAYS in seconds, as the commit script takes it. */
function entityRetentionSeconds(env: WorkerEnv): number {
  return env.ENTITY_RETENTION_DAYS * 86_400;
}

function processorSettings(env: WorkerEnv, retry: RetryPolicy): ProcessorSettings {
  return {
    handlerTimeoutMs: env.HANDLER_TIMEOUT_MS,
    // A dead worker's entity locks expire this long after its handler deadline, like its job locks.
    lockTtlMarginMs: env.JOB_LOCK_MS,
    handleConflicts: env.HANDLE_CONFLICTS,
    handleLate: env.HANDLE_LATE,
    dedupeTtlSeconds: env.DEDUPE_TTL_SECONDS,
    historyLimit: env.HISTORY_LIMIT,
    parkRecheck: { minMs: env.PARK_RECHECK_MIN_MS, maxMs: env.PARK_RECHECK_MAX_MS },
    retry,
    intakeProof: { proofKeys: env.INTAKE_PROOF_KEYS, ripioSecrets: env.RIPIO_WEBHOOK_SECRETS },
  };
}
