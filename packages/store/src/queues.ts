import { Queue } from 'bullmq';
import type { RedisClient } from './connection.js';
import {
  bullPrefix,
  DEAD_LETTER_QUEUE,
  EVENTS_QUEUE,
  EVENTS_STREAM_MAX_LEN,
  REDRIVES_QUEUE,
  type DeadLetterData,
  type EventJobData,
  type RedriveJobData,
} from './queue-definition.js';

export interface QueueConnection {
  redis: RedisClient;
  queuePrefix: string;
  /** Receives connection errors BullMQ emits (default: ignored; each command still fails on its own). */
  onError?: (error: Error) => void;
}

export interface OpenQueueOptions {
  /**
   * Write the queue's meta (the events-stream cap) on open. Only the apps that own the queue do (receiver, worker);
   * stores open queues without touching it.
   */
  writeMeta?: boolean;
}

function open<T>(name: string, connection: QueueConnection, options: OpenQueueOptions): Queue<T> {
  const queue = new Queue<T>(name, {
    connection: connection.redis,
    prefix: bullPrefix(connection.queuePrefix),
    skipMetasUpdate: options.writeMeta !== true,
    streams: { events: { maxLen: EVENTS_STREAM_MAX_LEN } },
  });
  queue.on('error', (error) => connection.onError?.(error));
  return queue;
}

/** The `events` queue on a shared connection (closing the queue leaves the connection open). */
export function openEventsQueue(
  connection: QueueConnection,
  options: OpenQueueOptions = {},
): Queue<EventJobData> {
  return open<EventJobData>(EVENTS_QUEUE, connection, options);
}

/** The `dead-letter` queue on a shared connection. */
export function openDeadLetterQueue(
  connection: QueueConnection,
  options: OpenQueueOptions = {},
): Queue<DeadLetterData> {
  return open<DeadLetterData>(DEAD_LETTER_QUEUE, connection, options);
}

/** The `redrives` queue on a shared connection. */
export function openRedrivesQueue(
  connection: QueueConnection,
  options: OpenQueueOptions = {},
): Queue<RedriveJobData> {
  return open<RedriveJobData>(REDRIVES_QUEUE, connection, options);
}
