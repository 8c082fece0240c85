import { describe, expect, it } from 'vitest';
import { settleWithin } from './settle-within.js';

describe('settleWithin', () => {
  it('is true for a promise that resolves in time', async () => {
    expect(await settleWithin(Promise.resolve('done'), 1_000)).toBe(true);
  });

  it('is true, without rejecting, for a promise that rejects in time', async () => {
    expect(await settleWithin(Promise.reject(new Error('Connection is closed')), 1_000)).toBe(true);
  });

  it('is false for a promise that never settles', async () => {
    expect(await settleWithin(new Promise(() => undefined), 10)).toBe(false);
  });
});
