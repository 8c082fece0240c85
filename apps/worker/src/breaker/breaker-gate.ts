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

/** What a job may do: run, run as the probe (`token` to report with), or be held back `delayMs`. */
export type Ticket = { kind: 'run' } | { kind: 'probe'; token: string } | { kind: 'held'; delayMs: number };

export interface BreakerGateOptions {
  store: BreakerStore;
  settings: BreakerSettings;
  /** How long a probe's lease holds: past it another job may probe (its worker died). */
  probeLeaseMs: number;
  /** The shortest wait of a held job (the worker reads the shared state this often). */
  recheckMs: number;
  logger: Logger;
  now?: () => number;
  random?: () => number;
}

/**
 * One worker's side of the shared circuit breaker. It counts this worker's handler calls in a sliding window and
 * trips the breaker (in Redis, for every worker) when their failure ratio reaches the threshold. It admits jobs
 * against the state it last read, going to Redis per job only while the breaker is half-open (for the probe lease).
 */
export class BreakerGate {
  private state: BreakerState = CLOSED;
  private window = emptyWindow();
  private tripping: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: BreakerGateOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** The breaker as this worker last saw it, as of now (an open breaker past its time reads half-open). */
  current(): BreakerState {
    return breakerAt(this.state, this.now());
  }

  /** Reads the shared state (the worker polls it); a closed breaker starts the failure window afresh. */
  async refresh(): Promise<void> {
    this.remember(await this.options.store.read());
  }

  /**
   * What a job may do now: run; run as the probe (half-open, this job won the lease in Redis); or, while the
   * breaker is open or another job probes, be held: wait `delayMs` without spending an attempt.
   */
  async admit(): Promise<Ticket> {
    const current = this.current();
    const nowMs = this.now();
    switch (current.mode) {
      case 'closed':
        return { kind: 'run' };
      case 'open':
        return this.held(current.untilMs - nowMs);
      case 'half_open':
        return (await this.tryProbe()) ?? this.held(this.options.settings.openMs);
      default: {
        const unreachable: never = current;
        throw new Error(`unknown breaker mode ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** A held job's wait: what is left of the open time, stretched by up to a tenth so held jobs spread out. */
  private held(ms: number): Ticket {
    const base = Math.max(this.options.recheckMs, ms);
    return { kind: 'held', delayMs: Math.floor(base + base * 0.1 * this.random()) };
  }

  /** Asks Redis for the probe lease: the probe ticket, or undefined (another job won it). Redis failing: run. */
  private async tryProbe(): Promise<Ticket | undefined> {
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

function ticketOf(admission: Admission | undefined, token: string): Ticket | undefined {
  switch (admission?.kind) {
    case undefined:
    case 'run':
      return { kind: 'run' };
    case 'probe':
      return { kind: 'probe', token };
    case 'hold_off':
      return undefined;
    default: {
      const unreachable: never = admission;
      throw new Error(`unknown admission ${JSON.stringify(unreachable)}`);
    }
  }
}
