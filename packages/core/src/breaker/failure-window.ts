/**
 * The handlers' recent calls, counted in WINDOW_BUCKETS time buckets that slide with the clock: a bounded
 * picture of the last `windowMs` however many calls there were. Pure: every function returns a new window.
 */
export interface FailureWindow {
  /** Oldest first; `index` = floor(time / bucket length). Buckets older than the window are dropped. */
  readonly buckets: ReadonlyArray<{ index: number; calls: number; failures: number }>;
}

export interface WindowSettings {
  /** How far back calls count. */
  windowMs: number;
  /** Fewer calls than this in the window never open the breaker (one failure out of one call is no outage). */
  minCalls: number;
  /** The failure share, in (0, 1], at or above which the breaker opens. */
  failureRatio: number;
}

const WINDOW_BUCKETS = 10;

export const emptyWindow = (): FailureWindow => ({ buckets: [] });

function bucketMs(settings: WindowSettings): number {
  return Math.max(1, Math.ceil(settings.windowMs / WINDOW_BUCKETS));
}

function live(window: FailureWindow, nowMs: number, settings: WindowSettings): FailureWindow['buckets'] {
  const oldest = Math.floor(nowMs / bucketMs(settings)) - WINDOW_BUCKETS + 1;
  return window.buckets.filter((bucket) => bucket.index >= oldest);
}

/** The window with one more call, failed or not, at `nowMs`. */
export function recordCall(
  window: FailureWindow,
  call: { nowMs: number; failed: boolean },
  settings: WindowSettings,
): FailureWindow {
  const index = Math.floor(call.nowMs / bucketMs(settings));
  const buckets = live(window, call.nowMs, settings);
  const last = buckets.at(-1);
  const failures = call.failed ? 1 : 0;
  if (last?.index === index) {
    return {
      buckets: [
        ...buckets.slice(0, -1),
        { index, calls: last.calls + 1, failures: last.failures + failures },
      ],
    };
  }
  return { buckets: [...buckets, { index, calls: 1, failures }] };
}

/** Calls and failures in the window at `nowMs`. */
export function windowCounts(
  window: FailureWindow,
  nowMs: number,
  settings: WindowSettings,
): { calls: number; failures: number } {
  return live(window, nowMs, settings).reduce(
    (sum, bucket) => ({ calls: sum.calls + bucket.calls, failures: sum.failures + bucket.failures }),
    { calls: 0, failures: 0 },
  );
}

/** True when the window holds at least `minCalls` calls and their failure share reaches `failureRatio`. */
export function failureRatioReached(window: FailureWindow, nowMs: number, settings: WindowSettings): boolean {
  const { calls, failures } = windowCounts(window, nowMs, settings);
  return calls >= settings.minCalls && calls > 0 && failures / calls >= settings.failureRatio;
}
