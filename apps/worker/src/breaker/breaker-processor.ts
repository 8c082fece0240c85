import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventJobData } from '@ripio-webhooks/store';
import { Worker, type Queue } from 'bullmq';
import { HandlerFailedError } from '../errors/handler-failed-error.js';
import type { HandlerRunner } from '../handlers/run-handlers.js';
import type { EventProcessor } from '../process-event.js';
import type { BreakerGate, ProbeResult } from './breaker-gate.js';

/** What the handlers of the job in this async context did (set by the observed runner, read by the gate). */
interface JobHandlers {
  result: ProbeResult;
}

const currentJob = new AsyncLocalStorage<JobHandlers>();

/**
 * The handler runner, each call counted in the breaker's failure window. A failure the event itself causes
 * (unrecoverable) says nothing about the downstream and is not counted.
 */
export function observedRunner(runner: HandlerRunner, gate: BreakerGate): HandlerRunner {
  return {
    async run(context) {
      try {
        await runner.run(context);
      } catch (error) {
        if (!(error instanceof HandlerFailedError && error.unrecoverable)) {
          gate.observe(true);
          const job = currentJob.getStore();
          if (job !== undefined) job.result = 'failed';
        }
        throw error;
      }
      gate.observe(false);
      const job = currentJob.getStore();
      if (job !== undefined) job.result = 'succeeded';
    },
  };
}

/**
 * The processor behind the breaker. While it is open (or another worker's probe runs) a job goes straight back to
 * the front of the wait list through BullMQ's manual rate limit: no attempt is spent, nothing is dead-lettered,
 * and this worker takes no job until the wait is over. The probe job runs, and its handlers' result moves the
 * breaker.
 */
export function gatedProcessor(
  processor: EventProcessor,
  gate: BreakerGate,
  events: Pick<Queue<EventJobData>, 'rateLimit'>,
): EventProcessor {
  return async (job, token) => {
    const ticket = await gate.admit();
    switch (ticket.kind) {
      case 'run':
        return processor(job, token);
      case 'hold_off':
        await events.rateLimit(ticket.ms);
        throw Worker.RateLimitError();
      case 'probe': {
        const handlers: JobHandlers = { result: 'ended' };
        try {
          return await currentJob.run(handlers, () => processor(job, token));
        } finally {
          await gate.settle(ticket.token, handlers.result);
        }
      }
      default: {
        const unreachable: never = ticket;
        throw new Error(`unknown ticket ${JSON.stringify(unreachable)}`);
      }
    }
  };
}
