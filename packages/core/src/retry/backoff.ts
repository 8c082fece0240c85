/**
 * How a backoff delay is spread below its ceiling: `none` waits the ceiling itself; `equal` ("equal jitter") fixes
 * half of it and scales the other half by `random()`, so the delay is in [ceiling / 2, ceiling).
 */
export type BackoffJitter = { jitter: 'none' } | { jitter: 'equal'; random: () => number };

export type BackoffInput = {
  /** 0 for the first delay; the ceiling doubles with each attempt after it. */
  attempt: number;
  baseMs: number;
  maxMs: number;
} & BackoffJitter;

/** 2^1023 is the largest finite power of two: past it the ceiling is maxMs anyway, and 0 * Infinity is NaN. */
const MAX_EXPONENT = 1023;

/**
 * Exponential backoff, the one schedule of the service (retries, lock waits, reconnects): the ceiling is
 * min(maxMs, baseMs * 2^attempt), jittered as `jitter` says, rounded down to whole milliseconds. Exactly
 * predictable with an injected `random`.
 */
export function exponentialBackoffMs(input: BackoffInput): number {
  const { attempt, baseMs, maxMs } = input;
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`attempt must be an integer >= 0, got ${attempt}`);
  }
  if (!Number.isFinite(baseMs) || baseMs < 0) throw new RangeError(`baseMs must be >= 0, got ${baseMs}`);
  if (!Number.isFinite(maxMs) || maxMs < baseMs) {
    throw new RangeError(`maxMs must be >= baseMs, got ${maxMs}`);
  }
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, MAX_EXPONENT));
  switch (input.jitter) {
    case 'none':
      return Math.floor(ceiling);
    case 'equal': {
      const roll = input.random();
      if (!(roll >= 0 && roll < 1)) {
        throw new RangeError(`random() must return a number in [0, 1), got ${roll}`);
      }
      const fixed = ceiling / 2;
      return Math.floor(fixed + roll * (ceiling - fixed));
    }
    default: {
      const unreachable: never = input;
      throw new Error(`unknown jitter ${JSON.stringify(unreachable)}`);
    }
  }
}
