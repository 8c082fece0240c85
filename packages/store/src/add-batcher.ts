import { Job, type Queue } from 'bullmq';
import type { EventJob } from '@ripio-webhooks/schemas';
import { eventJobOptions, type EventJobData } from './queue-definition.js';

/** Flush a batch at once when this many adds are waiting for the next turn of the event loop. */
export const MAX_BATCH = 64;

/** How one add ended, read from its own replies. */
export type AddResult =
  { outcome: 'accepted' } | { outcome: 'duplicate' } | { outcome: 'failed'; error: unknown };

interface PendingAdd {
  job: EventJob;
  settle: (result: AddResult) => void;
}

/** The reply of one pipelined command: ioredis gives `[error, value]`. */
type Reply = [Error | null, unknown];

/** Reads the EXISTS and the add script's replies of one job. A negative add reply is a BullMQ error code. */
function addResultOf(existsReply: Reply | undefined, addReply: Reply | undefined): AddResult {
  if (existsReply === undefined || addReply === undefined) {
    return { outcome: 'failed', error: new Error('missing pipeline reply') };
  }
  const error = existsReply[0] ?? addReply[0];
  if (error !== null) return { outcome: 'failed', error };
  if (typeof addReply[1] === 'number' && addReply[1] < 0) {
    return { outcome: 'failed', error: new Error(`BullMQ add failed with code ${addReply[1]}`) };
  }
  return existsReply[1] === 1 ? { outcome: 'duplicate' } : { outcome: 'accepted' };
}

function failedBatch(): AddResult {
  return { outcome: 'failed', error: new Error('no result for this job in its batch') };
}

/**
 * Micro-batches the adds that arrive in the same turn of the event loop: they are flushed together on
 * `setImmediate` (or at once when MAX_BATCH are waiting) as ONE ioredis pipeline, written in one socket write:
 * for each job `EXISTS <job key>`, then BullMQ's add script for it. Redis runs a connection's commands in order, so
 * each EXISTS runs just before its own add: it tells a new event from one already queued (BullMQ ignores an add
 * whose job id exists, and its reply cannot say so), and a second identical body in the same batch sees the
 * first one's job and is a duplicate. Each job settles with its own replies; a batch that fails as a whole
 * (connection lost, Redis down) fails all of its jobs.
 */
export class AddBatcher {
  private pending: PendingAdd[] = [];
  private scheduled = false;

  constructor(private readonly queue: Queue<EventJobData>) {}

  add(job: EventJob): Promise<AddResult> {
    return new Promise((settle) => {
      this.pending.push({ job, settle });
      if (this.pending.length >= MAX_BATCH) {
        this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) {
      this.scheduled = false;
      return;
    }
    this.pending = [];
    // The setImmediate of a batch flushed early finds an empty list (above) or the next batch.
    this.scheduled = false;
    this.send(batch).then(
      (results) => batch.forEach((entry, index) => entry.settle(results[index] ?? failedBatch())),
      (error: unknown) => batch.forEach((entry) => entry.settle({ outcome: 'failed', error })),
    );
  }

  private async send(batch: readonly PendingAdd[]): Promise<AddResult[]> {
    const client = await this.queue.getBackend().client;
    const pipeline = client.pipeline();
    // Per job: the index of its EXISTS reply, or the error that kept its add out of the pipeline.
    const slots: (number | { error: unknown })[] = [];
    let commands = 0;
    for (const { job } of batch) {
      const existsAt = commands;
      // BullMQ's ioredis adapter runs any command by name on a pipeline; EXISTS has no method of its own there.
      pipeline.runCommand('exists', [this.queue.toKey(job.eventKey)]);
      commands += 1;
      try {
        const options = eventJobOptions(job.eventKey);
        // Queues the add script on the pipeline synchronously (BullMQ's addBulk relies on the same); the
        // promise says nothing useful on a pipeline, the reply comes from exec below.
        new Job(this.queue, job.name, job.data, options, job.eventKey)
          .addJob(pipeline)
          .catch(() => undefined);
        commands += 1;
        slots.push(existsAt);
      } catch (error) {
        slots.push({ error });
      }
    }
    // A count that does not match (an add that failed after this loop) fails the whole batch: never a wrong 2xx.
    const replies = (await pipeline.exec()) ?? [];
    if (replies.length !== commands) {
      throw new Error(`pipeline returned ${replies.length} replies for ${commands} commands`);
    }
    return slots.map((slot) =>
      typeof slot === 'number'
        ? addResultOf(replies[slot] as Reply | undefined, replies[slot + 1] as Reply | undefined)
        : { outcome: 'failed', error: slot.error },
    );
  }
}
