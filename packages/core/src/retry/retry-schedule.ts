import { exponentialBackoffMs } from './backoff.js';

/** How often and how patiently a failing event is retried. */
export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export type RetryDecision =
  { kind: 'retry'; delayMs: number } | { kind: 'dead-letter'; reason: 'exhausted' | 'unrecoverable' };

/**
 * The retry schedule: `exponentialBackoffMs` with "equal jitter", so the ceiling is
 * min(maxMs, baseMs * 2^(attemptsMade - 1)) and the delay is in [ceiling / 2, ceiling), never zero for a
 * non-zero base, and exactly predictable with an injected `random`.
 *
 * attemptsMade = attempts already failed including this one (1 after the first failure). random() in [0,1).
 */
export function retryDelayMs(attemptsMade: number, policy: RetryPolicy, random: () => number): number {
  checkPolicy(policy);
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) {
    throw new RangeError(`attemptsMade must be an integer >= 1, got ${attemptsMade}`);
  }
  return exponentialBackoffMs({
    attempt: attemptsMade - 1,
    baseMs: policy.baseMs,
    maxMs: policy.maxMs,
    jitter: 'equal',
    random,
  });
}

/** Unrecoverable errors dead-letter at once; others retry until `maxAttempts` attempts have failed. */
export function decideRetry(
  attemptsMade: number,
  policy: RetryPolicy,
  error: { unrecoverable: boolean },
  random: () => number,
): RetryDecision {
  if (error.unrecoverable) return { kind: 'dead-letter', reason: 'unrecoverable' };
  if (attemptsMade >= policy.maxAttempts) return { kind: 'dead-letter', reason: 'exhausted' };
  return { kind: 'retry', delayMs: retryDelayMs(attemptsMade, policy, random) };
}

/** baseMs and maxMs are checked by `exponentialBackoffMs`. */
function checkPolicy({ maxAttempts }: RetryPolicy): void {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  }
}
