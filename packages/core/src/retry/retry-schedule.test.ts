import { describe, expect, it } from 'vitest';
import { decideRetry, retryDelayMs, type RetryPolicy } from './retry-schedule.js';

// The worker's defaults: MAX_ATTEMPTS 10, BACKOFF_BASE_MS 1000, BACKOFF_MAX_MS 600000.
const policy: RetryPolicy = { maxAttempts: 10, baseMs: 1000, maxMs: 600_000 };
const lowest = (): number => 0;
const highest = (): number => 0.999;
const recoverable = { unrecoverable: false };

describe('retryDelayMs', () => {
  it('with random() = 0 waits half the exponential ceiling', () => {
    const schedule = Array.from({ length: 11 }, (_, i) => retryDelayMs(i + 1, policy, lowest));
    expect(schedule).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000,
    ]);
  });

  it('with random() = 0.999 waits just under the exponential ceiling', () => {
    const schedule = Array.from({ length: 11 }, (_, i) => retryDelayMs(i + 1, policy, highest));
    expect(schedule).toEqual([
      999, 1999, 3998, 7996, 15_992, 31_984, 63_968, 127_936, 255_872, 511_744, 599_700,
    ]);
  });

  it('caps the ceiling at maxMs however many attempts were made', () => {
    expect(retryDelayMs(11, policy, lowest)).toBe(300_000);
    expect(retryDelayMs(5000, policy, lowest)).toBe(300_000);
    expect(retryDelayMs(5000, policy, highest)).toBe(599_700);
  });

  it('stays in [ceiling / 2, ceiling) for any random value', () => {
    const rolls = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999_999];
    for (let attemptsMade = 1; attemptsMade <= 40; attemptsMade += 1) {
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attemptsMade - 1));
      for (const roll of rolls) {
        const delay = retryDelayMs(attemptsMade, policy, () => roll);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThan(ceiling);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it('grows with the random value for the same attempt', () => {
    const delays = [0, 0.2, 0.4, 0.6, 0.8].map((roll) => retryDelayMs(3, policy, () => roll));
    expect(delays).toEqual([2000, 2400, 2800, 3200, 3600]);
  });

  it('rejects an attempt count below 1, a random value outside [0, 1) and a nonsensical policy', () => {
    expect(() => retryDelayMs(0, policy, lowest)).toThrow(RangeError);
    expect(() => retryDelayMs(1.5, policy, lowest)).toThrow(RangeError);
    expect(() => retryDelayMs(1, policy, () => 1)).toThrow(RangeError);
    expect(() => retryDelayMs(1, policy, () => -0.1)).toThrow(RangeError);
    expect(() => retryDelayMs(1, policy, () => Number.NaN)).toThrow(RangeError);
    expect(() => retryDelayMs(1, { ...policy, maxAttempts: 0 }, lowest)).toThrow(RangeError);
    expect(() => retryDelayMs(1, { ...policy, baseMs: -1 }, lowest)).toThrow(RangeError);
    expect(() => retryDelayMs(1, { ...policy, maxMs: 999 }, lowest)).toThrow(RangeError);
  });
});

describe('decideRetry', () => {
  it('retries with the scheduled delay while attempts remain', () => {
    expect(decideRetry(1, policy, recoverable, lowest)).toEqual({ kind: 'retry', delayMs: 500 });
    expect(decideRetry(9, policy, recoverable, highest)).toEqual({ kind: 'retry', delayMs: 255_872 });
  });

  it('dead-letters as exhausted once maxAttempts attempts have failed', () => {
    const exhausted = { kind: 'dead-letter', reason: 'exhausted' };
    expect(decideRetry(10, policy, recoverable, lowest)).toEqual(exhausted);
    expect(decideRetry(11, policy, recoverable, lowest)).toEqual(exhausted);
    expect(decideRetry(1, { ...policy, maxAttempts: 1 }, recoverable, lowest)).toEqual(exhausted);
  });

  it('dead-letters an unrecoverable error at once, even with attempts left', () => {
    const unrecoverable = { kind: 'dead-letter', reason: 'unrecoverable' };
    expect(decideRetry(1, policy, { unrecoverable: true }, lowest)).toEqual(unrecoverable);
    expect(decideRetry(10, policy, { unrecoverable: true }, lowest)).toEqual(unrecoverable);
  });

  it('a full run of failures: nine retries on the documented schedule, then the dead-letter queue', () => {
    const decisions = Array.from({ length: 10 }, (_, i) => decideRetry(i + 1, policy, recoverable, lowest));
    expect(decisions.slice(0, 9).map((d) => (d.kind === 'retry' ? d.delayMs : d.reason))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000,
    ]);
    expect(decisions[9]).toEqual({ kind: 'dead-letter', reason: 'exhausted' });
  });
});
