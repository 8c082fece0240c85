import type { CommittedOutcome, EventJobData } from '@ripio-webhooks/store';
import type { Job } from 'bullmq';
import type { HandledOutcome } from '@ripio-webhooks/handlers';
import type { PipelineDeps, ProcessorSettings } from './deps.js';
import type { DecidedJob } from './decide-step.js';

/**
 * Runs the event's handlers, before anything is written: for `applied`, for `conflict` with HANDLE_CONFLICTS and
 * for `late` with HANDLE_LATE. A failing handler throws HandlerFailedError (the attempt fails; nothing is
 * written, the entity does not move).
 */
export async function runHandlersStep(
  deps: Pick<PipelineDeps, 'handlers' | 'settings'>,
  decided: DecidedJob,
  job: Pick<Job<EventJobData>, 'data' | 'attemptsMade'>,
): Promise<void> {
  const { outcome, after } = decided.commit;
  const handled = handledOutcome(outcome, deps.settings);
  if (handled === undefined || after === undefined) return;
  await deps.handlers.run({
    event: decided.event,
    eventKey: decided.eventKey,
    outcome: handled,
    before: decided.before,
    after,
    history: decided.history,
    receivedAt: job.data.receivedAt,
    attempt: job.attemptsMade + 1,
    redrive: false,
  });
}

function handledOutcome(
  outcome: CommittedOutcome,
  settings: Pick<ProcessorSettings, 'handleConflicts' | 'handleLate'>,
): HandledOutcome | undefined {
  switch (outcome) {
    case 'applied':
      return outcome;
    case 'conflict':
      return settings.handleConflicts ? outcome : undefined;
    case 'late':
      return settings.handleLate ? outcome : undefined;
    case 'duplicate':
      return undefined;
    default: {
      const unreachable: never = outcome;
      throw new Error(`unknown outcome ${String(unreachable)}`);
    }
  }
}
