/**
 * The circuit breaker of event processing, shared by every worker: `closed` (events run), `open` (no event is
 * taken until `untilMs`), `half_open` (one event at a time, the probe, may run; its handlers' success closes the
 * breaker, their failure opens it again). Pure: the worker keeps this state in Redis and moves it only through
 * `stepBreaker`, and counts calls in a FailureWindow of its own to decide when to `trip` it.
 */
export type BreakerState =
  | { mode: 'closed' }
  | { mode: 'open'; openedAtMs: number; untilMs: number; reason: string }
  | { mode: 'half_open'; openedAtMs: number; reason: string; probe?: BreakerProbe };

/** The one event that may run while half-open: who runs it (a token) and until when the lease holds. */
export interface BreakerProbe {
  token: string;
  untilMs: number;
}

export type BreakerEvent =
  /** A worker's failure window reached the threshold. */
  | { type: 'trip'; nowMs: number; reason: string }
  /** A job asks whether it may run; `token` names it should it become the probe. */
  | { type: 'admit'; nowMs: number; token: string; leaseMs: number }
  /** The probe's handlers succeeded / failed / did not run (a duplicate, a parked event): the lease ends. */
  | { type: 'probe_succeeded'; token: string }
  | { type: 'probe_failed'; nowMs: number; token: string }
  | { type: 'probe_ended'; token: string };

/** What an `admit` answers: run as usual, run as the probe, or wait `ms` (the job goes back, no attempt spent). */
export type Admission = { kind: 'run' } | { kind: 'probe' } | { kind: 'hold_off'; ms: number };

export interface BreakerTimings {
  /** How long the breaker stays open once tripped, or after a failed probe. */
  openMs: number;
}

/** While another worker's probe runs, a job waits at most this long before asking again. */
export const HALF_OPEN_RECHECK_MS = 1_000;

export const CLOSED: BreakerState = { mode: 'closed' };

/** The state as it stands at `nowMs`: an open breaker whose time is up is half-open; an expired probe lease is gone. */
export function breakerAt(state: BreakerState, nowMs: number): BreakerState {
  if (state.mode === 'open' && nowMs >= state.untilMs) {
    return { mode: 'half_open', openedAtMs: state.openedAtMs, reason: state.reason };
  }
  if (state.mode === 'half_open' && state.probe !== undefined && nowMs >= state.probe.untilMs) {
    return { mode: 'half_open', openedAtMs: state.openedAtMs, reason: state.reason };
  }
  return state;
}

function open(nowMs: number, reason: string, timings: BreakerTimings, openedAtMs = nowMs): BreakerState {
  return { mode: 'open', openedAtMs, untilMs: nowMs + timings.openMs, reason };
}

const holdsProbe = (state: BreakerState, token: string): boolean =>
  state.mode === 'half_open' && state.probe?.token === token;

/** One transition: the next state, and for `admit` what the job may do. */
export function stepBreaker(
  previous: BreakerState,
  event: BreakerEvent,
  timings: BreakerTimings,
): { state: BreakerState; admission?: Admission } {
  const state = 'nowMs' in event ? breakerAt(previous, event.nowMs) : previous;
  switch (event.type) {
    case 'trip':
      return { state: state.mode === 'open' ? state : open(event.nowMs, event.reason, timings) };
    case 'admit':
      return admit(state, event);
    case 'probe_succeeded':
      return { state: holdsProbe(state, event.token) ? CLOSED : state };
    case 'probe_failed':
      if (!holdsProbe(state, event.token) || state.mode !== 'half_open') return { state };
      return { state: open(event.nowMs, state.reason, timings, state.openedAtMs) };
    case 'probe_ended':
      if (!holdsProbe(state, event.token) || state.mode !== 'half_open') return { state };
      return { state: { mode: 'half_open', openedAtMs: state.openedAtMs, reason: state.reason } };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown breaker event ${JSON.stringify(unreachable)}`);
    }
  }
}

function admit(
  state: BreakerState,
  event: Extract<BreakerEvent, { type: 'admit' }>,
): { state: BreakerState; admission: Admission } {
  switch (state.mode) {
    case 'closed':
      return { state, admission: { kind: 'run' } };
    case 'open':
      return { state, admission: { kind: 'hold_off', ms: state.untilMs - event.nowMs } };
    case 'half_open': {
      if (state.probe === undefined) {
        const probe = { token: event.token, untilMs: event.nowMs + event.leaseMs };
        return { state: { ...state, probe }, admission: { kind: 'probe' } };
      }
      const ms = Math.min(HALF_OPEN_RECHECK_MS, state.probe.untilMs - event.nowMs);
      return { state, admission: { kind: 'hold_off', ms } };
    }
    default: {
      const unreachable: never = state;
      throw new Error(`unknown breaker mode ${JSON.stringify(unreachable)}`);
    }
  }
}
