import { describe, expect, it } from 'vitest';
import { exponentialBackoffMs } from './backoff.js';

const base = { baseMs: 50, maxMs: 2_000 };

describe('exponentialBackoffMs', () => {
  it('without jitter waits the ceiling: doubling from baseMs, capped at maxMs', () => {
    const delays = [0, 1, 2, 5, 6, 60, 5_000].map((attempt) =>
      exponentialBackoffMs({ ...base, attempt, jitter: 'none' }),
    );
    expect(delays).toEqual([50, 100, 200, 1_600, 2_000, 2_000, 2_000]);
  });

  it('with equal jitter waits between half the ceiling and the ceiling, as random() says', () => {
    const at = (attempt: number, roll: number) =>
      exponentialBackoffMs({ ...base, attempt, jitter: 'equal', random: () => roll });
    expect([at(0, 0), at(0, 0.5), at(0, 0.999)]).toEqual([25, 37, 49]);
    expect([at(3, 0), at(3, 0.5)]).toEqual([200, 300]);
    expect(at(5_000, 0)).toBe(1_000);
  });

  it('stays finite for a zero base however many attempts were made', () => {
    expect(exponentialBackoffMs({ attempt: 5_000, baseMs: 0, maxMs: 10, jitter: 'none' })).toBe(0);
  });

  it('rejects a negative or fractional attempt, a random value outside [0, 1) and a nonsensical range', () => {
    expect(() => exponentialBackoffMs({ ...base, attempt: -1, jitter: 'none' })).toThrow(RangeError);
    expect(() => exponentialBackoffMs({ ...base, attempt: 0.5, jitter: 'none' })).toThrow(RangeError);
    expect(() => exponentialBackoffMs({ ...base, attempt: 0, jitter: 'equal', random: () => 1 })).toThrow(
      RangeError,
    );
    expect(() => exponentialBackoffMs({ attempt: 0, baseMs: -1, maxMs: 10, jitter: 'none' })).toThrow(
      RangeError,
    );
    expect(() => exponentialBackoffMs({ attempt: 0, baseMs: 10, maxMs: 5, jitter: 'none' })).toThrow(
      RangeError,
    );
  });
});
