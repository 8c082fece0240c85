/** How often and how patiently a failing event is retried. */
export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export type RetryDecision =
  { kind: 'retry'; delayMs: number } | { kind: 'dead-letter'; reason: 'exhausted' | 'unrecoverable' };

/**
 * Exponential backoff with "equal jitter": the ceiling is min(maxMs, baseMs * 2^(attemptsMade - 1)); half of it
 * is fixed and the other half scaled by `random()`. The delay is therefore in [ceiling / 2, ceiling), never zero
 * for a non-zero base, and exactly predictable with an injected `random`.
 *
 * attemptsMade = attempts already failed including this one (1 after the first failure). random() in [0,1).
 */
export function retryDelayMs(attemptsMade: number, policy: RetryPolicy, random: () => number): number {
  checkPolicy(policy);
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) {
    throw new RangeError(`attemptsMade must be an integer >= 1, got ${attemptsMade}`);
  }
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attemptsMade - 1));
  const fixed = ceiling / 2;
  const roll = random();
  if (!(roll >= 0 && roll < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${roll}`);
  return Math.floor(fixed + roll * (ceiling - fixed));
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

function checkPolicy(policy: RetryPolicy): void {
  const { maxAttempts, baseMs, maxMs } = policy;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  }
  if (!Number.isFinite(baseMs) || baseMs < 0) throw new RangeError(`baseMs must be >= 0, got ${baseMs}`);
  if (!Number.isFinite(maxMs) || maxMs < baseMs) {
    throw new RangeError(`maxMs must be >= baseMs, got ${maxMs}`);
  }
}
