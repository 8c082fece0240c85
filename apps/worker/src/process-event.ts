import type { EventJobData } from '@ripio-webhooks/store';
import { DelayedError, type Job } from 'bullmq';
import type { JobResult, ProcessingOutcome } from './outcome.js';
import { commitStep } from './pipeline/commit-step.js';
import { decideStep } from './pipeline/decide-step.js';
import { withDefaults, type PipelineDeps, type ProcessorDeps } from './pipeline/deps.js';
import { failureStep } from './pipeline/failure-step.js';
import { holdingLock, lockStep } from './pipeline/lock-step.js';
import { parkStep } from './pipeline/park-step.js';
import { parseStep } from './pipeline/parse-step.js';
import { recordStep, type Attempt } from './pipeline/record-step.js';
import { runHandlersStep } from './pipeline/run-handlers-step.js';
import { verifyStep } from './pipeline/verify-step.js';

export type { ProcessorDeps, ProcessorSettings } from './pipeline/deps.js';

/** The outcomes an event can reach before anything fails (failures are decided by the failure step). */
type StepsOutcome = Exclude<ProcessingOutcome, { outcome: 'retry' | 'handler_failed' | 'exhausted' }>;

/** Steps 1-7 of one attempt: each a function in ./pipeline, each ending the attempt or feeding the next. */
async function processEvent(deps: PipelineDeps, job: Job<EventJobData>): Promise<StepsOutcome> {
  // 1. Verify the job's intake proof before anything else reads it; a job no receiver vouches for ends here.
  const verified = verifyStep(deps, job);
  if (verified.kind === 'end') return verified.outcome;
  // 2. Parse the body; an invalid, unknown or unstorable event ends here.
  const parsed = parseStep(deps, verified.value);
  if (parsed.kind === 'end') return parsed.outcome;
  // 3. Lock the entity and load it with its history, the event's dedupe record and the hold; busy: ends here.
  const locked = await lockStep(deps, parsed.value);
  if (locked.kind === 'end') return locked.outcome;
  // From here a failure holds the entity behind this event (holdOnFailure-5.lua, with the lock release).
  return holdingLock(deps, locked.value, job, async () => {
    // 4. Park behind the entity's blocker while it is on hold (which releases the lock).
    const proceeding = await parkStep(deps, locked.value, job.data);
    if (proceeding.kind === 'end') return proceeding.outcome;
    // 5. Decide (duplicate, applied, late, conflict) and build the commit.
    const decided = decideStep(deps, proceeding.value, job.data, job.attemptsMade + 1);
    // 6. Run the handlers; a failing one throws.
    await runHandlersStep(deps, decided, job);
    // 7. Commit (which releases the lock and advances a hold this event held); a refused commit throws.
    return commitStep(deps, decided);
  });
}

/** One attempt: steps 1-7, or the failure step when one throws, then 8. record what it ended in. */
async function attemptEvent(deps: PipelineDeps, attempt: Attempt): Promise<JobResult> {
  try {
    return await recordStep(deps, attempt, await processEvent(deps, attempt.job));
  } catch (error) {
    if (error instanceof DelayedError) throw error;
    return recordStep(deps, attempt, failureStep(deps, attempt.job, error));
  }
}

export type EventProcessor = (job: Job<EventJobData>, token?: string) => Promise<JobResult>;

/**
 * The BullMQ processor of the events queue. It counts the jobs in flight so that the outcome counter is written
 * as soon as the worker goes idle (which includes the end of a shutdown's drain), not once per event.
 */
export function createEventProcessor(processorDeps: ProcessorDeps): EventProcessor {
  const deps = withDefaults(processorDeps);
  const inFlight = { count: 0 };
  return async (job, token) => {
    inFlight.count += 1;
    try {
      return await attemptEvent(deps, { job, token, startedMs: deps.now() });
    } finally {
      inFlight.count -= 1;
      if (inFlight.count === 0) deps.outcomes.flushSoon();
    }
  };
}
