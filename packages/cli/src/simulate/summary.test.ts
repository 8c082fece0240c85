import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after.js';
import { summarizeLatencies } from './summary.js';

describe('summarizeLatencies', () => {
  it('uses nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(summarizeLatencies(values)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
  });

  it('is all zeros for no samples', () => {
    expect(summarizeLatencies([])).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });

  it('takes the only sample for every percentile', () => {
    expect(summarizeLatencies([7])).toEqual({ count: 1, p50: 7, p90: 7, p99: 7, max: 7 });
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('5', 0)).toBe(5000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(null, 0)).toBeUndefined();
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });
});
