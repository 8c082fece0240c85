import { describe, expect, it } from 'vitest';
import { parkRecheckDelayMs } from './park-recheck.js';

const settings = { minMs: 5_000, maxMs: 300_000 };
const now = Date.parse('2026-03-01T00:10:00.000Z');
const parkedAgo = (ms: number): string => new Date(now - ms).toISOString();

describe('parkRecheckDelayMs', () => {
  it('starts at the minimum, half of it jittered', () => {
    expect(parkRecheckDelayMs(undefined, now, () => 0, settings)).toBe(2_500);
    expect(parkRecheckDelayMs(undefined, now, () => 0.999_999, settings)).toBe(4_999);
  });

  it('grows with the time parked (about doubling per recheck) up to the maximum', () => {
    expect(parkRecheckDelayMs(parkedAgo(1_000), now, () => 1, settings)).toBe(5_000);
    expect(parkRecheckDelayMs(parkedAgo(40_000), now, () => 1, settings)).toBe(40_000);
    expect(parkRecheckDelayMs(parkedAgo(3_600_000), now, () => 1, settings)).toBe(300_000);
  });

  it('treats an unreadable or future parkedAt as just parked', () => {
    expect(parkRecheckDelayMs('not a date', now, () => 1, settings)).toBe(5_000);
    expect(parkRecheckDelayMs(parkedAgo(-60_000), now, () => 1, settings)).toBe(5_000);
  });
});
