import { parseDurationMs } from '../settings/duration.js';

/**
 * How patiently a failing event is retried: attempt n + 1 starts `delaysMs[n - 1]` after attempt n failed, and
 * the event is dead-lettered when the attempt after the last delay fails too (so `delaysMs.length + 1` attempts).
 */
export interface RetryPolicy {
  delaysMs: readonly number[];
}

export type RetryDecision =
  { kind: 'retry'; delayMs: number } | { kind: 'dead-letter'; reason: 'exhausted' | 'unrecoverable' };

/** Each delay is shortened by up to this share of itself, at random, so retries of one outage spread out. */
const RETRY_JITTER_RATIO = 0.1;

export type ParsedRetrySchedule = { ok: true; delaysMs: number[] } | { ok: false; error: string };

/**
 * Parses a retry schedule written as a comma list of durations (`5s,30s,2m,1h`; units ms, s, m, h, d; blanks
 * around items ignored). At least one entry; every entry a whole positive number of its unit.
 */
export function parseRetrySchedule(text: string): ParsedRetrySchedule {
  const items = text.split(',').map((item) => item.trim());
  if (items.length === 1 && items[0] === '') return { ok: false, error: 'at least one delay is needed' };
  const delaysMs: number[] = [];
  for (const item of items) {
    const delayMs = parseDurationMs(item);
    if (delayMs === undefined || !(delayMs > 0)) {
      return { ok: false, error: `"${item}" is not a duration such as 500ms, 5s, 2m, 1h or 1d` };
    }
    delaysMs.push(delayMs);
  }
  return { ok: true, delaysMs };
}

/** The whole retry horizon of a schedule: the sum of its delays, before jitter shortens them. */
export function retryHorizonMs(policy: RetryPolicy): number {
  return policy.delaysMs.reduce((sum, delay) => sum + delay, 0);
}

/**
 * The delay after the `attemptsMade`-th failed attempt: the schedule's entry for it (the last entry for any
 * attempt past the schedule), shortened by up to RETRY_JITTER_RATIO of itself as `random()` (in [0, 1)) says.
 */
export function retryDelayMs(attemptsMade: number, policy: RetryPolicy, random: () => number): number {
  checkPolicy(policy);
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) {
    throw new RangeError(`attemptsMade must be an integer >= 1, got ${attemptsMade}`);
  }
  const roll = random();
  if (!(roll >= 0 && roll < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${roll}`);
  const index = Math.min(attemptsMade, policy.delaysMs.length) - 1;
  const delay = policy.delaysMs[index] ?? 0;
  return Math.floor(delay - delay * RETRY_JITTER_RATIO * roll);
}

/** Unrecoverable errors dead-letter at once; others retry while the schedule has a delay for the next attempt. */
export function decideRetry(
  attemptsMade: number,
  policy: RetryPolicy,
  error: { unrecoverable: boolean },
  random: () => number,
): RetryDecision {
  if (error.unrecoverable) return { kind: 'dead-letter', reason: 'unrecoverable' };
  checkPolicy(policy);
  if (attemptsMade > policy.delaysMs.length) return { kind: 'dead-letter', reason: 'exhausted' };
  return { kind: 'retry', delayMs: retryDelayMs(attemptsMade, policy, random) };
}

function checkPolicy({ delaysMs }: RetryPolicy): void {
  if (delaysMs.length === 0) throw new RangeError('a retry schedule needs at least one delay');
  for (const delay of delaysMs) {
    if (!Number.isFinite(delay) || delay < 0) throw new RangeError(`retry delays must be >= 0, got ${delay}`);
  }
}
