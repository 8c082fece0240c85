import type { Queue } from 'bullmq';
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
  /**
   * The events queue. Its connection must be `redis` itself: the EXISTS and the add of one request then share
   * one connection, where Redis runs commands in the order they were written.
   */
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

/**
 * Adds events to the BullMQ queue and tells a new event from one already queued, in one round trip:
 * `EXISTS <job key>` and the add are written in the same tick on the queue's own connection, without waiting
 * for each other's reply, so Redis runs the EXISTS just before the add. BullMQ ignores an add whose job id
 * exists (and its returned Job cannot say so), hence the EXISTS. Two identical requests racing each other may
 * both be labelled `accepted`: still one job, and the worker's dedupe record is the durable guard anyway.
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

  async function addAndCheck(job: ReadyJob): Promise<EnqueueResult> {
    const existed = redis.exists(queue.toKey(job.eventKey));
    const added = queue.add(job.jobName, job.data, eventJobOptions(job.eventKey, options.retention));
    const [existing] = await Promise.all([existed, added]);
    return existing === 1 ? { outcome: 'duplicate' } : { outcome: 'accepted' };
  }

  return {
    async enqueue(job) {
      if (backlog.isOverLimit()) {
        return {
          outcome: 'unavailable',
          reason: 'backpressure',
          error: new Error('backlog over BACKLOG_LIMIT'),
        };
      }
      try {
        const result = await withDeadline(addAndCheck(job), timeoutMs);
        if (result === TIMED_OUT) {
          return {
            outcome: 'unavailable',
            reason: 'timeout',
            error: new Error(`enqueue took over ${timeoutMs} ms`),
          };
        }
        return result;
      } catch (error) {
        return { outcome: 'unavailable', reason: 'unavailable', error };
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
