import { randomUUID } from 'node:crypto';
import {
  breakerAt,
  CLOSED,
  emptyWindow,
  failureRatioReached,
  recordCall,
  stepBreaker,
  windowCounts,
  type Admission,
  type BreakerEvent,
  type BreakerState,
  type BreakerTimings,
  type WindowSettings,
} from '@ripio-webhooks/core';
import type { BreakerStore } from '@ripio-webhooks/store';
import type { Logger } from 'pino';

export type BreakerSettings = WindowSettings & BreakerTimings;

/** How a probe ended: its handlers succeeded, failed, or never ran (a duplicate, a parked event). */
export type ProbeResult = 'succeeded' | 'failed' | 'ended';

/** What a job may do: run, run as the probe (`token` to report with), or go back and wait `ms`. */
export type Ticket = { kind: 'run' } | { kind: 'probe'; token: string } | { kind: 'hold_off'; ms: number };

export interface BreakerGateOptions {
  store: BreakerStore;
  settings: BreakerSettings;
  /** How long a probe's lease holds: past it another job may probe (its worker died). */
  probeLeaseMs: number;
  logger: Logger;
  now?: () => number;
}

/**
 * One worker's side of the shared circuit breaker. It counts this worker's handler calls in a sliding window and
 * trips the breaker (in Redis, for every worker) when their failure ratio reaches the threshold; it admits jobs
 * against the state it last read, going to Redis per job only while the breaker is not closed.
 */
export class BreakerGate {
  private state: BreakerState = CLOSED;
  private window = emptyWindow();
  private tripping: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: BreakerGateOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The breaker as this worker last saw it, as of now (an open breaker past its time reads half-open). */
  current(): BreakerState {
    return breakerAt(this.state, this.now());
  }

  /** Reads the shared state (the worker polls it); a closed breaker starts the failure window afresh. */
  async refresh(): Promise<void> {
    this.remember(await this.options.store.read());
  }

  /** Whether a job may run now. When Redis cannot say, the job runs (the attempt meets Redis itself anyway). */
  async admit(): Promise<Ticket> {
    if (this.current().mode === 'closed') return { kind: 'run' };
    const token = randomUUID();
    try {
      const admission = await this.move({
        type: 'admit',
        nowMs: this.now(),
        token,
        leaseMs: this.options.probeLeaseMs,
      });
      return ticketOf(admission, token);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not read the circuit breaker; the job runs');
      return { kind: 'run' };
    }
  }

  /** One handler call of this worker; opens the breaker when the window's failure ratio reaches the threshold. */
  observe(failed: boolean): void {
    const nowMs = this.now();
    this.window = recordCall(this.window, { nowMs, failed }, this.options.settings);
    if (!failed || this.tripping !== undefined || this.current().mode !== 'closed') return;
    if (!failureRatioReached(this.window, nowMs, this.options.settings)) return;
    const { calls, failures } = windowCounts(this.window, nowMs, this.options.settings);
    const reason = `${failures} of the last ${calls} handler calls failed`;
    this.tripping = this.move({ type: 'trip', nowMs, reason })
      .then(() => this.options.logger.error({ reason, breaker: this.state }, 'circuit breaker opened'))
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error }, 'could not open the circuit breaker'),
      )
      .finally(() => {
        this.tripping = undefined;
      });
  }

  /** Reports how the probe `token` ended: success closes the breaker, failure opens it again. */
  async settle(token: string, result: ProbeResult): Promise<void> {
    const event: BreakerEvent =
      result === 'succeeded'
        ? { type: 'probe_succeeded', token }
        : result === 'failed'
          ? { type: 'probe_failed', nowMs: this.now(), token }
          : { type: 'probe_ended', token };
    try {
      await this.move(event);
      this.options.logger.info({ result, breaker: this.state }, 'circuit breaker probe done');
    } catch (error) {
      // The lease runs out on its own; the next job probes then.
      this.options.logger.warn({ err: error, result }, 'could not record the breaker probe');
    }
  }

  private async move(event: BreakerEvent): Promise<Admission | undefined> {
    const { settings, store } = this.options;
    const { state, result } = await store.update((current) => {
      const next = stepBreaker(current, event, settings);
      return { state: next.state, result: next.admission };
    }, this.now());
    this.remember(state);
    return result;
  }

  private remember(state: BreakerState): void {
    const before = this.state.mode;
    this.state = state;
    if (state.mode === 'closed' && before !== 'closed') {
      this.window = emptyWindow();
      this.options.logger.info('circuit breaker closed');
    } else if (state.mode !== 'closed') {
      // Failures counted before the breaker opened must not open it again the moment it closes.
      this.window = emptyWindow();
    }
  }
}

function ticketOf(admission: Admission | undefined, token: string): Ticket {
  switch (admission?.kind) {
    case undefined:
    case 'run':
      return { kind: 'run' };
    case 'probe':
      return { kind: 'probe', token };
    case 'hold_off':
      return { kind: 'hold_off', ms: Math.max(1, admission.ms) };
    default: {
      const unreachable: never = admission;
      throw new Error(`unknown admission ${JSON.stringify(unreachable)}`);
    }
  }
}
