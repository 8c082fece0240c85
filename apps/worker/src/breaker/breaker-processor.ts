import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventJobData } from '@ripio-webhooks/store';
import { DelayedError, type Job } from 'bullmq';
import { HandlerFailedError } from '../errors/handler-failed-error.js';
import type { HandlerRunner } from '../handlers/run-handlers.js';
import type { EventProcessor } from '../process-event.js';
import type { BreakerGate, ProbeResult } from './breaker-gate.js';

/** The job in this async context: whether the breaker holds it back, and what its handlers did. */
interface GatedJob {
  job: Job<EventJobData>;
  token: string | undefined;
  /** Set while the breaker holds the job back: its handlers are not called, it waits this long instead. */
  heldMs: number | undefined;
  result: ProbeResult;
}

const currentJob = new AsyncLocalStorage<GatedJob>();

/**
 * The breaker holds an event back: thrown where its handlers would run, after the job was moved to the delayed
 * set. The pipeline treats it as a failed attempt for the entity (which goes on hold behind the event, so the
 * entity's later events park in arrival order) but BullMQ, seeing a DelayedError, spends no attempt.
 */
class BreakerHeldError extends DelayedError {
  constructor(delayMs: number) {
    super(`circuit breaker open: the event's handlers wait ${delayMs} ms`);
    this.name = 'DelayedError';
  }
}

/**
 * The handler runner behind the breaker: a held job's handlers are not called; every call is counted in the
 * breaker's failure window, except a failure the event itself causes (unrecoverable), which says nothing about
 * the downstream.
 */
export function observedRunner(runner: HandlerRunner, gate: BreakerGate): HandlerRunner {
  return {
    async run(context) {
      const gated = currentJob.getStore();
      if (gated?.heldMs !== undefined) {
        if (gated.token === undefined) {
          throw new Error('the processor needs the BullMQ job token to delay a job');
        }
        await gated.job.moveToDelayed(Date.now() + gated.heldMs, gated.token);
        throw new BreakerHeldError(gated.heldMs);
      }
      try {
        await runner.run(context);
      } catch (error) {
        if (!(error instanceof HandlerFailedError && error.unrecoverable)) {
          gate.observe(true);
          if (gated !== undefined) gated.result = 'failed';
        }
        throw error;
      }
      gate.observe(false);
      if (gated !== undefined) gated.result = 'succeeded';
    },
  };
}

/**
 * The processor behind the breaker. While it is open (or another job probes) a job is still processed up to its
 * handlers, then held: it puts its entity on hold, goes back to the delayed set for the rest of the open time and
 * spends no attempt; nothing is dead-lettered. Half-open, the probe job runs its handlers, and their result moves
 * the breaker.
 */
export function gatedProcessor(processor: EventProcessor, gate: BreakerGate): EventProcessor {
  return async (job, token) => {
    const ticket = await gate.admit();
    const gated: GatedJob = {
      job,
      token,
      heldMs: ticket.kind === 'held' ? ticket.delayMs : undefined,
      result: 'ended',
    };
    try {
      return await currentJob.run(gated, () => processor(job, token));
    } finally {
      if (ticket.kind === 'probe') await gate.settle(ticket.token, gated.result);
    }
  };
}
