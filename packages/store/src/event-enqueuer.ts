import type { EventJob } from '@ripio-webhooks/schemas';
import { AddBatcher } from './add-batcher.js';
import { BacklogGauge } from './backlog-gauge.js';
import { createRedis, type RedisClient } from './connection.js';
import { openEventsQueue } from './queues.js';
import { settleWithin, TIMED_OUT, withDeadline } from './settle-within.js';

/** Why an event could not be queued now: the `reason` label of the receiver's enqueue errors. */
export const ENQUEUE_ERROR_REASONS = ['unavailable', 'timeout', 'backpressure'] as const;
export type EnqueueErrorReason = (typeof ENQUEUE_ERROR_REASONS)[number];

export type EnqueueResult =
  | { outcome: 'accepted' }
  | { outcome: 'duplicate' }
  | { outcome: 'unavailable'; reason: EnqueueErrorReason; error: unknown };

/** The receiver's whole view of Redis: add an event, say whether Redis answers, close. */
export interface EventEnqueuer {
  /** Adds the job (id = event key) and tells a new event from one already queued; never rejects. */
  enqueue(job: EventJob): Promise<EnqueueResult>;
  /** True when Redis answers a PING within `timeoutMs`. */
  ping(timeoutMs: number): Promise<boolean>;
  /** True once Redis is connected and the queue initialised; false if that takes over `timeoutMs`. */
  waitUntilReady(timeoutMs: number): Promise<boolean>;
  /** Closes the queue (within 2 s, whatever state Redis is in), and the connection when the enqueuer owns it. */
  close(): Promise<void>;
}

export interface EnqueuePolicy {
  /** Deadline of one enqueue; past it the result is `unavailable` (a late add is then seen as a duplicate). */
  timeoutMs: number;
  /** `unavailable` while more jobs than this are waiting; 0 turns back-pressure off. */
  backlogLimit: number;
  nowMs?: () => number;
  /** Called when a refresh of the cached waiting count fails (Redis down): for logs. */
  onBacklogError?: (error: unknown) => void;
}

export interface SharedEnqueuerOptions extends EnqueuePolicy {
  /** A connection the caller owns: the queue's EXISTS and adds go out on it; `close` leaves it open. */
  redis: RedisClient;
  queuePrefix: string;
}

/** One enqueue: back-pressure first, then the batched add under its own deadline. */
async function enqueueWithin(
  job: EventJob,
  backlog: BacklogGauge,
  batcher: AddBatcher,
  timeoutMs: number,
): Promise<EnqueueResult> {
  if (backlog.isOverLimit()) {
    return { outcome: 'unavailable', reason: 'backpressure', error: new Error('backlog over BACKLOG_LIMIT') };
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
}

/**
 * Adds events to the `events` queue (which it opens and owns: it writes the queue's meta), batching the adds of
 * one event-loop turn into one Redis round trip (see AddBatcher). Each enqueue keeps its own deadline and gets its
 * own result, `accepted` or `duplicate` only once Redis has replied for its job.
 */
export function createEventEnqueuer(options: SharedEnqueuerOptions): EventEnqueuer {
  const { redis, timeoutMs } = options;
  const queue = openEventsQueue({ redis, queuePrefix: options.queuePrefix }, { writeMeta: true });
  const nowMs = options.nowMs ?? Date.now;
  const onBacklogError = options.onBacklogError ?? (() => undefined);
  const backlog = new BacklogGauge(queue, options.backlogLimit, nowMs, onBacklogError);
  const batcher = new AddBatcher(queue);

  return {
    enqueue: (job) => enqueueWithin(job, backlog, batcher, timeoutMs),
    async ping(pingTimeoutMs) {
      try {
        return (await withDeadline(redis.ping(), pingTimeoutMs)) === 'PONG';
      } catch {
        return false;
      }
    },
    async waitUntilReady(readyTimeoutMs) {
      let ready = false;
      const initialised = queue.waitUntilReady().then(() => {
        ready = true;
      });
      await settleWithin(initialised, readyTimeoutMs);
      return ready;
    },
    async close() {
      await settleWithin(queue.close(), 2_000);
    },
  };
}

export interface ConnectEnqueuerOptions extends EnqueuePolicy {
  redisUrl: string;
  queuePrefix: string;
  /** Name shown by `CLIENT LIST`. */
  connectionName: string;
  /** The connection failed while it was up (once per outage): for logs. */
  onConnectionLost?: (error: Error) => void;
  /** The connection is back after an outage: for logs. */
  onConnectionBack?: () => void;
}

/**
 * An enqueuer on its own fail-fast connection: no offline queue, so while Redis is down an enqueue is
 * `unavailable` at once, and ioredis keeps reconnecting by itself. No ioredis auto-pipelining: the enqueuer
 * batches the EXISTS and add of every enqueue of one event-loop turn into one pipeline itself. `close` also ends
 * the connection.
 */
export function connectEventEnqueuer(options: ConnectEnqueuerOptions): EventEnqueuer {
  const { redisUrl, connectionName, onConnectionLost, onConnectionBack, ...rest } = options;
  const redis = createRedis({ url: redisUrl, role: 'fail-fast', connectionName });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    onConnectionLost?.(error);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    onConnectionBack?.();
  });
  const enqueuer = createEventEnqueuer({ ...rest, redis });
  return {
    ...enqueuer,
    async close() {
      await enqueuer.close();
      // disconnect, not quit: QUIT waits for a reply that never comes while Redis is down.
      redis.disconnect();
    },
  };
}
