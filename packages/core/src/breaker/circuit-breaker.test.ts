import { describe, expect, it } from 'vitest';
import {
  breakerAt,
  CLOSED,
  HALF_OPEN_RECHECK_MS,
  stepBreaker,
  type BreakerEvent,
  type BreakerState,
} from './circuit-breaker.js';
import {
  emptyWindow,
  failureRatioReached,
  recordCall,
  windowCounts,
  type FailureWindow,
} from './failure-window.js';

const timings = { openMs: 10_000 };
const windowSettings = { windowMs: 1_000, minCalls: 4, failureRatio: 0.5 };

/** Runs events through the machine, returning every state and admission on the way. */
function run(start: BreakerState, events: BreakerEvent[]) {
  let state = start;
  return events.map((event) => {
    const next = stepBreaker(state, event, timings);
    state = next.state;
    return next;
  });
}

describe('the breaker state machine', () => {
  it('closed admits every job without a probe', () => {
    expect(stepBreaker(CLOSED, { type: 'admit', nowMs: 5, token: 'a', leaseMs: 100 }, timings)).toEqual({
      state: CLOSED,
      admission: { kind: 'run' },
    });
  });

  it('a trip opens it for openMs; jobs meanwhile wait out the rest of that time', () => {
    const [tripped, early, late] = run(CLOSED, [
      { type: 'trip', nowMs: 1_000, reason: '8 of 10 calls failed' },
      { type: 'admit', nowMs: 3_000, token: 'a', leaseMs: 100 },
      { type: 'admit', nowMs: 10_999, token: 'b', leaseMs: 100 },
    ]);
    const opened = { mode: 'open', openedAtMs: 1_000, untilMs: 11_000, reason: '8 of 10 calls failed' };
    expect(tripped?.state).toEqual(opened);
    expect(early?.admission).toEqual({ kind: 'hold_off', ms: 8_000 });
    expect(late?.admission).toEqual({ kind: 'hold_off', ms: 1 });
  });

  it('a second trip while open keeps the first opening (its time is not extended)', () => {
    const [, again] = run(CLOSED, [
      { type: 'trip', nowMs: 0, reason: 'first' },
      { type: 'trip', nowMs: 5_000, reason: 'second' },
    ]);
    expect(again?.state).toEqual({ mode: 'open', openedAtMs: 0, untilMs: 10_000, reason: 'first' });
  });

  it('once open time is up it is half-open: one job becomes the probe, the others wait briefly', () => {
    const opened: BreakerState = { mode: 'open', openedAtMs: 0, untilMs: 10_000, reason: 'r' };
    expect(breakerAt(opened, 10_000)).toEqual({ mode: 'half_open', openedAtMs: 0, reason: 'r' });
    const [probe, other, nearLeaseEnd] = run(opened, [
      { type: 'admit', nowMs: 10_000, token: 'p', leaseMs: 5_000 },
      { type: 'admit', nowMs: 10_100, token: 'q', leaseMs: 5_000 },
      { type: 'admit', nowMs: 14_800, token: 'q', leaseMs: 5_000 },
    ]);
    expect(probe).toEqual({
      state: { mode: 'half_open', openedAtMs: 0, reason: 'r', probe: { token: 'p', untilMs: 15_000 } },
      admission: { kind: 'probe' },
    });
    expect(other?.admission).toEqual({ kind: 'hold_off', ms: HALF_OPEN_RECHECK_MS });
    expect(nearLeaseEnd?.admission).toEqual({ kind: 'hold_off', ms: 200 });
  });

  it('a probe whose handlers succeed closes it; only the probe’s own token counts', () => {
    const half: BreakerState = {
      mode: 'half_open',
      openedAtMs: 0,
      reason: 'r',
      probe: { token: 'p', untilMs: 20_000 },
    };
    expect(stepBreaker(half, { type: 'probe_succeeded', token: 'other' }, timings).state).toEqual(half);
    expect(stepBreaker(half, { type: 'probe_succeeded', token: 'p' }, timings).state).toEqual(CLOSED);
  });

  it('a failed probe opens it again for openMs; an inconclusive one frees the lease for the next job', () => {
    const half: BreakerState = {
      mode: 'half_open',
      openedAtMs: 0,
      reason: 'r',
      probe: { token: 'p', untilMs: 20_000 },
    };
    expect(stepBreaker(half, { type: 'probe_failed', nowMs: 12_000, token: 'p' }, timings).state).toEqual({
      mode: 'open',
      openedAtMs: 0,
      untilMs: 22_000,
      reason: 'r',
    });
    expect(stepBreaker(half, { type: 'probe_ended', token: 'p' }, timings).state).toEqual({
      mode: 'half_open',
      openedAtMs: 0,
      reason: 'r',
    });
  });

  it('a probe whose worker died loses its lease when it runs out: the next job probes', () => {
    const half: BreakerState = {
      mode: 'half_open',
      openedAtMs: 0,
      reason: 'r',
      probe: { token: 'dead', untilMs: 20_000 },
    };
    const next = stepBreaker(half, { type: 'admit', nowMs: 20_000, token: 'n', leaseMs: 1_000 }, timings);
    expect(next.admission).toEqual({ kind: 'probe' });
    // The dead probe reporting late changes nothing.
    expect(stepBreaker(next.state, { type: 'probe_succeeded', token: 'dead' }, timings).state).toEqual(
      next.state,
    );
  });
});

describe('the failure window', () => {
  const calls = (window: FailureWindow, at: number, failed: boolean[]): FailureWindow =>
    failed.reduce((w, f) => recordCall(w, { nowMs: at, failed: f }, windowSettings), window);

  it('reaches the ratio only with at least minCalls calls', () => {
    const three = calls(emptyWindow(), 100, [true, true, true]);
    expect(failureRatioReached(three, 100, windowSettings)).toBe(false);
    const four = calls(three, 150, [false]);
    expect(windowCounts(four, 150, windowSettings)).toEqual({ calls: 4, failures: 3 });
    expect(failureRatioReached(four, 150, windowSettings)).toBe(true);
  });

  it('stays below the ratio while most calls succeed', () => {
    const mostlyFine = calls(emptyWindow(), 0, [true, false, false, false, false]);
    expect(failureRatioReached(mostlyFine, 0, windowSettings)).toBe(false);
  });

  it('forgets calls older than the window, keeping at most a window of buckets', () => {
    let window = emptyWindow();
    for (let at = 0; at < 5_000; at += 50) window = calls(window, at, [true]);
    expect(window.buckets.length).toBeLessThanOrEqual(10);
    expect(windowCounts(window, 4_950, windowSettings)).toEqual({ calls: 20, failures: 20 });
    expect(windowCounts(window, 10_000, windowSettings)).toEqual({ calls: 0, failures: 0 });
    expect(failureRatioReached(window, 10_000, windowSettings)).toBe(false);
  });
});
