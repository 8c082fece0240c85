import { Job, type Queue } from 'bullmq';
import {
  eventJobOptions,
  type EventJobData,
  type RedisClient,
  type RetentionOptions,
} from '@ripio-webhooks/store';
import type { EnqueueErrorReason } from './metrics.js';

/** A job ready to be added: the `enqueue` decision of `ingest`. */
export interface ReadyJob {
  eventKey: string;
  jobName: string;
  data: EventJobData;
}

export type EnqueueResult =
  | { outcome: 'accepted' }
  | { outcome: 'duplicate' }
  | { outcome: 'unavailable'; reason: EnqueueErrorReason; error: unknown };

/** The receiver's view of Redis: add an event, say whether Redis answers. */
export interface EventIntake {
  enqueue(job: ReadyJob): Promise<EnqueueResult>;
  /** True when Redis answers a PING within `timeoutMs`. */
  ping(timeoutMs: number): Promise<boolean>;
}

export interface QueueIntakeOptions {
  /** The events queue; its EXISTS and adds go out as one pipeline on the queue's own connection. */
  queue: Queue<EventJobData>;
  redis: RedisClient;
  /** Deadline of one enqueue; past it the answer is 503 (Ripio retries; a late add is deduplicated). */
  timeoutMs: number;
  /** 503 while more jobs than this are waiting; 0 turns back-pressure off. */
  backlogLimit: number;
  retention?: RetentionOptions;
  nowMs?: () => number;
  /** Called when a refresh of the cached waiting count fails (Redis down): for logs. */
  onBacklogError?: (error: unknown) => void;
}

const TIMED_OUT = Symbol('timed out');

/** Resolves to the promise's value, or to TIMED_OUT once `ms` passes first. Never leaves a timer behind. */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The last known waiting count, refreshed in the background at most once per second. */
class BacklogGauge {
  private count = 0;
  private refreshedAtMs = Number.NEGATIVE_INFINITY;
  private refreshing = false;

  constructor(
    private readonly queue: Queue<EventJobData>,
    private readonly limit: number,
    private readonly nowMs: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Whether the backlog passes the limit, as last seen; starts a refresh when the value is a second old. */
  isOverLimit(): boolean {
    if (this.limit <= 0) return false;
    const now = this.nowMs();
    if (!this.refreshing && now - this.refreshedAtMs >= 1_000) {
      this.refreshing = true;
      this.refreshedAtMs = now;
      this.queue
        .getWaitingCount()
        .then((count) => {
          this.count = count;
        }, this.onError)
        .finally(() => {
          this.refreshing = false;
        });
    }
    return this.count > this.limit;
  }
}

/** Flush a batch at once when this many enqueues are waiting for the next turn of the event loop. */
export const MAX_BATCH = 64;

type AddResult = { outcome: 'accepted' } | { outcome: 'duplicate' } | { outcome: 'failed'; error: unknown };

interface PendingAdd {
  job: ReadyJob;
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

/**
 * Micro-batches the adds of requests that arrive in the same turn of the event loop: they are flushed together
 * on `setImmediate` (or at once when MAX_BATCH are waiting) as ONE ioredis pipeline, written in one socket write:
 * for each job `EXISTS <job key>`, then BullMQ's add script for it. Redis runs a connection's commands in order, so
 * each EXISTS runs just before its own add: it tells a new event from one already queued (BullMQ ignores an add
 * whose job id exists, and its reply cannot say so), and a second identical body in the same batch sees the
 * first one's job and is a duplicate. Each job settles with its own replies; a batch that fails as a whole
 * (connection lost, Redis down) fails all of its jobs.
 */
class AddBatcher {
  private pending: PendingAdd[] = [];
  private scheduled = false;

  constructor(
    private readonly queue: Queue<EventJobData>,
    private readonly retention: RetentionOptions | undefined,
  ) {}

  add(job: ReadyJob): Promise<AddResult> {
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
        const options = eventJobOptions(job.eventKey, this.retention);
        // Queues the add script on the pipeline synchronously (BullMQ's addBulk relies on the same); the
        // promise says nothing useful on a pipeline, the reply comes from exec below.
        new Job(this.queue, job.jobName, job.data, options, job.eventKey)
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

function failedBatch(): AddResult {
  return { outcome: 'failed', error: new Error('no result for this job in its batch') };
}

/**
 * Adds events to the BullMQ queue and tells a new event from one already queued, batching the requests of one
 * event-loop turn into one Redis round trip (see AddBatcher). Each request keeps its own deadline and gets its own
 * answer, and is answered accepted or duplicate only once Redis has replied for its job.
 */
export function createQueueIntake(options: QueueIntakeOptions): EventIntake {
  const { queue, redis, timeoutMs } = options;
  const nowMs = options.nowMs ?? Date.now;
  const backlog = new BacklogGauge(
    queue,
    options.backlogLimit,
    nowMs,
    options.onBacklogError ?? (() => undefined),
  );
  const batcher = new AddBatcher(queue, options.retention);

  return {
    async enqueue(job) {
      if (backlog.isOverLimit()) {
        return {
          outcome: 'unavailable',
          reason: 'backpressure',
          error: new Error('backlog over BACKLOG_LIMIT'),
        };
      }
      const result = await withDeadline(batcher.add(job), timeoutMs);
      if (result === TIMED_OUT) {
        return {
          outcome: 'unavailable',
          reason: 'timeout',
          error: new Error(`enqueue took over ${timeoutMs} ms`),
        };
      }
      switch (result.outcome) {
        case 'accepted':
        case 'duplicate':
          return { outcome: result.outcome };
        case 'failed':
          return { outcome: 'unavailable', reason: 'unavailable', error: result.error };
        default: {
          const unreachable: never = result;
          throw new Error(`unknown add result ${JSON.stringify(unreachable)}`);
        }
      }
    },
    async ping(pingTimeoutMs) {
      try {
        return (await withDeadline(redis.ping(), pingTimeoutMs)) === 'PONG';
      } catch {
        return false;
      }
    },
  };
}
