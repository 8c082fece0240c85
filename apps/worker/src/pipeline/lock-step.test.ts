import { describe, expect, it } from 'vitest';
import { lockWaitDelayMs } from './lock-step.js';

describe('lockWaitDelayMs', () => {
  it('starts short, doubles per wait up to 2 s, and keeps half of it fixed', () => {
    expect(lockWaitDelayMs(0, () => 0)).toBe(25);
    expect(lockWaitDelayMs(0, () => 0.999)).toBe(49);
    expect(lockWaitDelayMs(1, () => 0)).toBe(50);
    expect(lockWaitDelayMs(5, () => 0)).toBe(800);
    expect(lockWaitDelayMs(6, () => 0)).toBe(1_000);
    expect(lockWaitDelayMs(60, () => 0.5)).toBe(1_500);
    expect(lockWaitDelayMs(-3, () => 0)).toBe(25);
  });
});
