import { decideRetry } from '@ripio-webhooks/core';
import type { EventJobData } from '@ripio-webhooks/store';
import type { Job } from 'bullmq';
import { HandlerFailedError } from '../errors/handler-failed-error.js';
import { isUnrecoverable } from '../errors/unrecoverable-event-error.js';
import type { FailedEventOutcome, RetryOutcome } from '../outcome.js';
import type { PipelineDeps } from './deps.js';
import { describeError } from './step.js';

/**
 * A failed attempt (a handler, a refused commit, Redis): `retry` on the schedule's delay while attempts remain,
 * else `handler_failed` (a handler's fault) or `exhausted`. An unrecoverable error skips the retries.
 */
export function failureStep(
  deps: Pick<PipelineDeps, 'settings' | 'random'>,
  job: Pick<Job<EventJobData>, 'name' | 'attemptsMade'>,
  error: unknown,
): RetryOutcome | FailedEventOutcome {
  const attemptsMade = job.attemptsMade + 1;
  const unrecoverable =
    isUnrecoverable(error) || (error instanceof HandlerFailedError && error.unrecoverable);
  const decision = decideRetry(attemptsMade, deps.settings.retry, { unrecoverable }, deps.random);
  const message = describeError(error);
  switch (decision.kind) {
    case 'retry':
      return { outcome: 'retry', delayMs: decision.delayMs, cause: error, error: message, attemptsMade };
    case 'dead-letter': {
      const outcome = error instanceof HandlerFailedError ? 'handler_failed' : 'exhausted';
      return { outcome, name: job.name, error: message, attemptsMade };
    }
    default: {
      const unreachable: never = decision;
      throw new Error(`unknown retry decision ${JSON.stringify(unreachable)}`);
    }
  }
}
