import type { IntakeProofKeys, RetryPolicy } from '@ripio-webhooks/core';
import type { DeadLetterStore, EntityStore, EventLogStream } from '@ripio-webhooks/store';
import type { OutcomeCounter } from '../outcome-counter.js';
import type { Logger } from 'pino';
import type { HandlerRunner } from '../handlers/run-handlers.js';
import type { WorkerHolds } from '../holds/hold-actions.js';
import type { ParkRecheckSettings } from '../holds/park-recheck.js';
import type { WorkerMetrics } from '../metrics.js';

/**
 * The entity lock outlives the longest handler run by this margin (lock + handlers + commit), unless the settings
 * give one: the worker service uses JOB_LOCK_MS (30 s by default), sized like it for the longest pause.
 */
const LOCK_TTL_MARGIN_MS = 30_000;

export interface ProcessorSettings {
  handlerTimeoutMs: number;
  /** Entity lock TTL = handlerTimeoutMs + this (default 30 s). */
  lockTtlMarginMs?: number;
  handleConflicts: boolean;
  /** Run handlers for `late` events too (HANDLE_LATE). */
  handleLate: boolean;
  dedupeTtlSeconds: number;
  historyLimit: number;
  retry: RetryPolicy;
  /** What a job's intake proof is checked with (INTAKE_PROOF_KEYS, and RIPIO_WEBHOOK_SECRETS when given). */
  intakeProof: IntakeProofKeys;
  /** When a parked event's job rechecks its entity (default 5 s .. 5 min). */
  parkRecheck?: ParkRecheckSettings;
}

export const DEFAULT_PARK_RECHECK: ParkRecheckSettings = { minMs: 5_000, maxMs: 300_000 };

/** Everything the processor's steps use, passed in: no step keeps state of its own. */
export interface ProcessorDeps {
  settings: ProcessorSettings;
  entities: EntityStore;
  deadLetters: Pick<DeadLetterStore, 'add'>;
  /** Entity holds: park, hold on failure, follow a commit's hold advance, mark a dead-lettered blocker. */
  holds: WorkerHolds;
  handlers: Pick<HandlerRunner, 'run'>;
  metrics: WorkerMetrics;
  /** The per-minute outcome counts (console, CLI); written when no job is in flight and once a second. */
  outcomes: Pick<OutcomeCounter, 'record' | 'flushSoon'>;
  logger: Logger;
  /**
   * The event-log outbox (EVENT_LOG=postgres), or undefined when the log is off. Commits append inside their
   * script; the retry, park and dead-letter outcomes append right after they are booked.
   */
  eventLog?: Pick<EventLogStream, 'append'>;
  /** Jitter source for retries and lock waits (tests inject one); Math.random by default. */
  random?: () => number;
  /** Date.now by default. */
  now?: () => number;
}

/** The deps with their defaults filled in, as every step receives them. */
export type PipelineDeps = ProcessorDeps & { random: () => number; now: () => number };

export function withDefaults(deps: ProcessorDeps): PipelineDeps {
  return { ...deps, random: deps.random ?? Math.random, now: deps.now ?? Date.now };
}

export function lockTtlMs(settings: ProcessorSettings): number {
  return settings.handlerTimeoutMs + (settings.lockTtlMarginMs ?? LOCK_TTL_MARGIN_MS);
}
