import { exponentialBackoffMs } from '@ripio-webhooks/core';
import { writeBatch } from '@ripio-webhooks/event-log';
import type { EventLogEntry, EventLogStream } from '@ripio-webhooks/store';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { decodeEntries } from './decode-entries.js';
import type { ArchiverMetrics } from './metrics.js';

export interface ArchiveLoopDeps {
  /** Commands that do not block. */
  stream: EventLogStream;
  /** The same stream on a connection of its own, for the blocking read. */
  blockingStream: Pick<EventLogStream, 'readNew'>;
  pool: Pool;
  metrics: ArchiverMetrics;
  logger: Logger;
  consumer: string;
  batchSize: number;
  blockMs: number;
  claimIdleMs: number;
}

/** Stops the loop after the batch in hand; `done` settles when it has stopped. */
export interface ArchiveLoop {
  stop(): void;
  done: Promise<void>;
}

/**
 * Reads the stream in batches (entries a dead archiver left first, then new ones), writes each batch to Postgres
 * in one transaction and only then acknowledges and trims it. A failed write is retried with backoff and never
 * acknowledged, so a Postgres outage only makes the stream grow.
 */
export function startArchiveLoop(deps: ArchiveLoopDeps): ArchiveLoop {
  const state = { stopping: false };
  const done = (async () => {
    await deps.stream.ensureGroup();
    while (!state.stopping) {
      const raw = await nextBatch(deps);
      if (raw.length === 0) continue;
      await writeUntilDone(deps, raw, state);
    }
  })();
  return {
    stop: () => {
      state.stopping = true;
    },
    done,
  };
}

async function nextBatch(deps: ArchiveLoopDeps): Promise<EventLogEntry[]> {
  const stale = await deps.stream.claimStale(deps.consumer, deps.claimIdleMs, deps.batchSize);
  if (stale.length > 0) return stale;
  return deps.blockingStream.readNew(deps.consumer, deps.batchSize, deps.blockMs);
}

async function writeUntilDone(
  deps: ArchiveLoopDeps,
  raw: readonly EventLogEntry[],
  state: { stopping: boolean },
): Promise<void> {
  const { entries, rejected } = decodeEntries(raw);
  for (const entry of rejected) {
    deps.metrics.rejected.inc();
    deps.logger.error(entry, 'event-log stream entry is not a record: acknowledged without writing');
  }
  for (let failures = 0; ; failures += 1) {
    const stopTimer = deps.metrics.batchSeconds.startTimer();
    try {
      const written = await writeBatch(deps.pool, entries);
      stopTimer();
      deps.metrics.archived.inc({ table: 'events' }, written.events);
      deps.metrics.archived.inc({ table: 'entity_state' }, written.entities);
      break;
    } catch (error) {
      deps.metrics.writeErrors.inc();
      const delayMs = exponentialBackoffMs({
        attempt: failures,
        baseMs: 200,
        maxMs: 10_000,
        jitter: 'equal',
        random: Math.random,
      });
      deps.logger.warn({ err: error, entries: raw.length, delayMs }, 'event-log batch not written; retrying');
      // Stopping mid-outage leaves the batch unacknowledged: the next archiver takes it over.
      if (state.stopping) return;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  await deps.stream.ack(raw.map((entry) => entry.id));
  await deps.stream.trimArchived();
}
