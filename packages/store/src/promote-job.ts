import type { Queue } from 'bullmq';
import type { EventJobData } from './queue-definition.js';

export type PromoteResult = 'promoted' | 'not_delayed' | 'missing';

/**
 * Wakes a parked event's job (delayed on the events queue, id = event key) so it runs now: called when the event
 * becomes its entity's blocker. Harmless when the job is not delayed (it runs or waits already) or is gone: a
 * parked job that is not woken here wakes on its own recheck.
 */
export async function promoteEventJob(events: Queue<EventJobData>, eventKey: string): Promise<PromoteResult> {
  const job = await events.getJob(eventKey);
  if (job === undefined) return 'missing';
  if ((await job.getState()) !== 'delayed') return 'not_delayed';
  try {
    await job.promote();
    return 'promoted';
  } catch (error) {
    // It left the delayed set between the two calls (woke on its own): nothing to do.
    if ((await job.getState()) !== 'delayed') return 'not_delayed';
    throw error;
  }
}
