import { describe, expect, it } from 'vitest';
import {
  decideRetry,
  parseRetrySchedule,
  retryDelayMs,
  retryHorizonMs,
  type RetryPolicy,
} from './retry-schedule.js';

const policy: RetryPolicy = { delaysMs: [5_000, 30_000, 120_000] };
const lowest = (): number => 0;
const highest = (): number => 0.999;
const recoverable = { unrecoverable: false };

describe('parseRetrySchedule', () => {
  it('reads a comma list of durations in ms, s, m, h and d, blanks around items ignored', () => {
    expect(parseRetrySchedule('250ms, 5s,2m ,1h,1d')).toEqual({
      ok: true,
      delaysMs: [250, 5_000, 120_000, 3_600_000, 86_400_000],
    });
    expect(parseRetrySchedule('1s')).toEqual({ ok: true, delaysMs: [1_000] });
  });

  it('rejects an empty list, an empty item, a zero, a fraction, a sign, a missing or unknown unit', () => {
    for (const text of [
      '',
      ' ',
      '5s,',
      '5s,,1m',
      '0s',
      '1.5s',
      '-5s',
      '+5s',
      '5',
      '5 s',
      '5sec',
      '1w',
      's',
    ]) {
      const parsed = parseRetrySchedule(text);
      expect(parsed.ok, text).toBe(false);
    }
    expect(parseRetrySchedule('5s,soon')).toEqual({
      ok: false,
      error: '"soon" is not a duration such as 500ms, 5s, 2m, 1h or 1d',
    });
  });

  it('sums the horizon of the worker’s default schedule past a day', () => {
    const parsed = parseRetrySchedule('5s,30s,2m,10m,30m,1h,2h,4h,8h,12h');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(retryHorizonMs(parsed)).toBe(99_755_000);
    // Even with every delay shortened by the most jitter can take, the horizon is over 24 h.
    expect(retryHorizonMs(parsed) * 0.9).toBeGreaterThan(24 * 3_600_000);
  });
});

describe('retryDelayMs', () => {
  it('waits the schedule’s entry for the attempt, shortened by up to a tenth as random() says', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(n, policy, lowest))).toEqual([5_000, 30_000, 120_000]);
    expect([1, 2, 3].map((n) => retryDelayMs(n, policy, highest))).toEqual([4_500, 27_003, 108_012]);
    expect(retryDelayMs(2, policy, () => 0.5)).toBe(28_500);
  });

  it('past the schedule keeps its last delay', () => {
    expect(retryDelayMs(4, policy, lowest)).toBe(120_000);
    expect(retryDelayMs(500, policy, lowest)).toBe(120_000);
  });

  it('rejects an attempt count below 1, a random value outside [0, 1) and an empty or negative schedule', () => {
    expect(() => retryDelayMs(0, policy, lowest)).toThrow(RangeError);
    expect(() => retryDelayMs(1.5, policy, lowest)).toThrow(RangeError);
    expect(() => retryDelayMs(1, policy, () => 1)).toThrow(RangeError);
    expect(() => retryDelayMs(1, policy, () => Number.NaN)).toThrow(RangeError);
    expect(() => retryDelayMs(1, { delaysMs: [] }, lowest)).toThrow(RangeError);
    expect(() => retryDelayMs(1, { delaysMs: [-1] }, lowest)).toThrow(RangeError);
  });
});

describe('decideRetry', () => {
  it('a full run of failures: one retry per entry of the schedule, then the dead-letter queue', () => {
    const decisions = [1, 2, 3, 4].map((n) => decideRetry(n, policy, recoverable, lowest));
    expect(decisions).toEqual([
      { kind: 'retry', delayMs: 5_000 },
      { kind: 'retry', delayMs: 30_000 },
      { kind: 'retry', delayMs: 120_000 },
      { kind: 'dead-letter', reason: 'exhausted' },
    ]);
    expect(decideRetry(40, policy, recoverable, lowest)).toEqual({
      kind: 'dead-letter',
      reason: 'exhausted',
    });
  });

  it('dead-letters an unrecoverable error at once, even with delays left', () => {
    const unrecoverable = { kind: 'dead-letter', reason: 'unrecoverable' };
    expect(decideRetry(1, policy, { unrecoverable: true }, lowest)).toEqual(unrecoverable);
  });
});
