import type { ProcessingOutcome } from '@ripio-webhooks/contracts';
import { minuteOf, OUTCOME_STATS_TTL_SECONDS, outcomesKey, type RedisClient } from '@ripio-webhooks/store';

export interface OutcomeCounterOptions {
  redis: RedisClient;
  queuePrefix: string;
  /** How often counts gathered in memory are written (default 1000 ms). */
  flushIntervalMs?: number;
  now?: () => number;
  /** A flush failed; its counts are kept and written with the next one. */
  onError?: (error: unknown) => void;
}

/** Outcome counts gathered in memory and written to the per-minute hashes in batches. */
export interface OutcomeCounter {
  /** Counts one processed event in the current minute; no I/O. */
  record(outcome: ProcessingOutcome): void;
  /** Writes the counts on the next turn of the event loop (coalesced), e.g. when the worker goes idle. */
  flushSoon(): void;
  /** Writes every count gathered so far: one pipeline, HINCRBY per minute and outcome + EXPIRE per minute. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  close(): Promise<void>;
}

/** minute -> outcome -> count. */
type Counts = Map<number, Map<ProcessingOutcome, number>>;

function addCount(into: Counts, minute: number, outcome: ProcessingOutcome, n: number): void {
  let bucket = into.get(minute);
  if (bucket === undefined) {
    bucket = new Map();
    into.set(minute, bucket);
  }
  bucket.set(outcome, (bucket.get(outcome) ?? 0) + n);
}

/**
 * Writes `batch` in one pipeline: HINCRBY per minute and outcome + EXPIRE per minute. Returns the counts Redis did
 * not apply (unreachable, refused), to be written again with the next flush, and the first error.
 */
async function writeCounts(
  redis: RedisClient,
  queuePrefix: string,
  batch: Counts,
): Promise<{ unwritten: Counts; error: Error | undefined }> {
  const pipeline = redis.pipeline();
  // What each command adds, by its index in the pipeline (undefined for the EXPIREs).
  const increments: ([number, ProcessingOutcome, number] | undefined)[] = [];
  for (const [minute, bucket] of batch) {
    const key = outcomesKey(queuePrefix, minute);
    for (const [outcome, count] of bucket) {
      pipeline.hincrby(key, outcome, count);
      increments.push([minute, outcome, count]);
    }
    pipeline.expire(key, OUTCOME_STATS_TTL_SECONDS);
    increments.push(undefined);
  }
  let replies: [Error | null, unknown][];
  try {
    replies = (await pipeline.exec()) ?? [];
  } catch (error) {
    replies = increments.map(() => [error instanceof Error ? error : new Error(String(error)), null]);
  }
  const unwritten: Counts = new Map();
  let firstError: Error | undefined;
  increments.forEach((increment, index) => {
    const error = replies[index]?.[0] ?? (replies[index] === undefined ? new Error('no reply') : null);
    if (error === null) return;
    firstError ??= error;
    if (increment !== undefined) addCount(unwritten, ...increment);
  });
  return { unwritten, error: firstError };
}

/**
 * The worker's outcome counter: `record` costs no Redis request, a flush once a second (and when asked) writes
 * all the counts of that second in one round trip. The counters are for the last-hour view of the console and
 * the CLI, so they may trail the commits by up to `flushIntervalMs`; a failed flush keeps its counts for the next.
 */
export function createOutcomeCounter(options: OutcomeCounterOptions): OutcomeCounter {
  const { redis, queuePrefix } = options;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => undefined);
  /** Counts not yet written. */
  let pending: Counts = new Map();
  let timer: NodeJS.Timeout | undefined;
  let soon = false;

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const { unwritten, error } = await writeCounts(redis, queuePrefix, batch);
    for (const [minute, bucket] of unwritten) {
      for (const [outcome, count] of bucket) addCount(pending, minute, outcome, count);
    }
    if (error !== undefined) onError(error);
  }

  const flushQuietly = (): void => {
    void flush();
  };

  return {
    record(outcome) {
      addCount(pending, minuteOf(now()), outcome, 1);
      if (timer === undefined) {
        timer = setInterval(flushQuietly, options.flushIntervalMs ?? 1_000);
        timer.unref();
      }
    },
    flushSoon() {
      if (soon || pending.size === 0) return;
      soon = true;
      setImmediate(() => {
        soon = false;
        flushQuietly();
      });
    },
    flush,
    async close() {
      clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
}
