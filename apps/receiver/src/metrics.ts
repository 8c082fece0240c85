import { EVENT_TYPES, UNKNOWN_JOB_NAME } from '@ripio-webhooks/schemas';
import { ENQUEUE_ERROR_REASONS } from '@ripio-webhooks/store';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { INTAKE_OUTCOME_LABELS, type IntakeAnswer, type IntakeOutcome } from './intake-outcome.js';

const SIGNATURE_FAILURE_REASONS = ['missing', 'malformed', 'mismatch'] as const;

export interface ReceiverMetrics {
  registry: Registry;
  requests: Counter<'outcome'>;
  ackDuration: Histogram<'outcome'>;
  signatureFailures: Counter<'reason'>;
  enqueueErrors: Counter<'reason'>;
  /** Events added to the queue (answered `accepted`), by canonical event type or `unknown`. */
  intakeEvents: Counter<'event_type'>;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop); off in tests that build many apps in one process. */
  defaultMetrics: boolean;
}

/** One registry per receiver; every label value comes from a fixed list, so series stay bounded. */
export function createReceiverMetrics(options: MetricsOptions): ReceiverMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'ripio_' });
  const metrics: ReceiverMetrics = {
    registry,
    requests: new Counter({
      name: 'ripio_intake_requests_total',
      help: 'Webhook requests answered, by outcome.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    ackDuration: new Histogram({
      name: 'ripio_intake_ack_duration_seconds',
      help: 'Time from the start of a webhook request to its answer, by outcome.',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    signatureFailures: new Counter({
      name: 'ripio_signature_failures_total',
      help: 'Requests refused for their signature, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    enqueueErrors: new Counter({
      name: 'ripio_enqueue_errors_total',
      help: 'Signed events answered 503, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    intakeEvents: new Counter({
      name: 'ripio_intake_events_total',
      help: 'Events accepted into the queue, by canonical event type (or unknown).',
      labelNames: ['event_type'],
      registers: [registry],
    }),
  };
  // Publish every series at 0 so rates and alerts work before the first occurrence.
  for (const outcome of INTAKE_OUTCOME_LABELS) {
    metrics.requests.inc({ outcome }, 0);
  }
  for (const reason of SIGNATURE_FAILURE_REASONS) metrics.signatureFailures.inc({ reason }, 0);
  for (const reason of ENQUEUE_ERROR_REASONS) metrics.enqueueErrors.inc({ reason }, 0);
  for (const eventType of [...EVENT_TYPES, UNKNOWN_JOB_NAME]) {
    metrics.intakeEvents.inc({ event_type: eventType }, 0);
  }
  return metrics;
}

/** Counts one answered webhook request: every request by its label and time, and the counters its outcome feeds. */
export function countIntake(
  metrics: ReceiverMetrics,
  intake: IntakeOutcome,
  answer: IntakeAnswer,
  seconds: number,
): void {
  metrics.requests.inc({ outcome: answer.body.status });
  metrics.ackDuration.observe({ outcome: answer.body.status }, seconds);
  switch (intake.outcome) {
    case 'accepted':
      metrics.intakeEvents.inc({ event_type: intake.jobName });
      return;
    case 'bad_signature':
      metrics.signatureFailures.inc({ reason: intake.reason });
      return;
    case 'unavailable':
      metrics.enqueueErrors.inc({ reason: intake.reason });
      return;
    case 'duplicate':
    case 'bad_request':
    case 'too_large':
    case 'too_old':
      return;
    default: {
      const unexpected: never = intake;
      throw new Error(`unhandled intake outcome ${JSON.stringify(unexpected)}`);
    }
  }
}
