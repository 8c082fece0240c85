import { PauseRecord, type ProcessingStatus } from '@ripio-webhooks/contracts';
import { createBreakerStore } from './breaker-store.js';
import type { RedisClient } from './connection.js';
import { processingPauseKey } from './keys.js';
import { openEventsQueue } from './queues.js';

export interface ProcessingControl {
  /** Pauses every worker (BullMQ's queue-wide pause; intake goes on, jobs wait), recording why and when. */
  pause(input: { reason?: string | undefined; nowMs: number }): Promise<ProcessingStatus>;
  /** Resumes every worker and forgets the pause record. */
  resume(): Promise<ProcessingStatus>;
  status(): Promise<ProcessingStatus>;
  close(): Promise<void>;
}

/**
 * Operators' hand on event processing: the events queue's own pause (no worker takes a job, active ones finish,
 * the receiver keeps enqueueing), the reason beside it, and the circuit breaker's state to show with it.
 */
export function createProcessingControl(redis: RedisClient, queuePrefix: string): ProcessingControl {
  const events = openEventsQueue({ redis, queuePrefix });
  const breaker = createBreakerStore(redis, queuePrefix);
  const key = processingPauseKey(queuePrefix);

  async function status(): Promise<ProcessingStatus> {
    const [paused, raw, state] = await Promise.all([events.isPaused(), redis.get(key), breaker.read()]);
    const record = raw === null ? undefined : PauseRecord.safeParse(parseJson(raw));
    const pause = paused && record?.success === true ? { pause: record.data } : {};
    return { paused, ...pause, breaker: state };
  }

  return {
    async pause({ reason, nowMs }) {
      await redis.set(key, JSON.stringify({ reason: reason ?? null, since: new Date(nowMs).toISOString() }));
      await events.pause();
      return status();
    },
    async resume() {
      await events.resume();
      await redis.del(key);
      return status();
    },
    status,
    close: () => events.close(),
  };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
