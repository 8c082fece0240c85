import type { EventJobData } from '@ripio-webhooks/store';
import type { Job } from 'bullmq';
import type { PipelineDeps } from './deps.js';
import type { DecidedJob } from './decide-step.js';

/**
 * Runs the event's handlers, before anything is written: for `applied`, and for `conflict` with
 * HANDLE_CONFLICTS. A failing handler throws HandlerFailedError (the attempt fails; the entity does not move).
 */
export async function runHandlersStep(
  deps: Pick<PipelineDeps, 'handlers' | 'settings'>,
  decided: DecidedJob,
  job: Pick<Job<EventJobData>, 'data' | 'attemptsMade'>,
): Promise<void> {
  const { outcome, after } = decided.commit;
  const handled =
    outcome === 'applied' || (outcome === 'conflict' && deps.settings.handleConflicts) ? outcome : undefined;
  if (handled === undefined || after === undefined) return;
  await deps.handlers.run({
    event: decided.event,
    eventKey: decided.eventKey,
    outcome: handled,
    before: decided.before,
    after,
    receivedAt: job.data.receivedAt,
    attempt: job.attemptsMade + 1,
  });
}
