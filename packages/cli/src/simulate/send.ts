import type { DeliveryKind, PlannedDelivery, SimulationPlan } from './plan.js';
import { retryAfterMs } from './retry-after.js';
import { summarizeLatencies, type LatencySummary } from './summary.js';

export interface SendOptions {
  /** The webhook URL (the receiver's POST route). */
  url: string;
  /** Requests in flight at most (default 16). */
  concurrency?: number;
  /** Deliveries started per second at most (default: no limit beyond concurrency). */
  rate?: number;
  /** Attempts per delivery on 503 / connection errors, the first included (default 6). */
  maxAttempts?: number;
  /** Retries allowed over the whole run, so a dead receiver does not turn a run into a retry storm (default 1000). */
  retryBudget?: number;
  /** Longest wait before a retry, whatever Retry-After says (default 5000 ms). */
  maxRetryDelayMs?: number;
  /** Per-request timeout (default 10000 ms). */
  timeoutMs?: number;
  /** Called after every final answer (progress output). */
  onResult?: (result: DeliveryResult, done: number, total: number) => void;
  signal?: AbortSignal;
}

/** The final answer for one delivery: an HTTP status, or `error` when no answer came after the retries. */
export interface DeliveryResult {
  delivery: PlannedDelivery;
  status: number | 'error';
  attempts: number;
  /** Time of the last attempt, request to answer. */
  latencyMs: number;
  error?: string;
}

export interface SimulationSummary {
  deliveries: number;
  /** HTTP requests made, retries included. */
  requests: number;
  retries: number;
  /** True when retries stopped because the run's retry budget ran out. */
  retryBudgetExhausted: boolean;
  /** Final answers by status code (`error` = no answer). */
  byStatus: Record<string, number>;
  /** Final answers by delivery kind, then status. */
  byKind: Partial<Record<DeliveryKind, Record<string, number>>>;
  /** Valid deliveries (events and duplicates) that did not end in a 2xx answer. */
  unacknowledged: number;
  latencyMs: LatencySummary;
  durationMs: number;
}

export interface SimulationRun {
  summary: SimulationSummary;
  results: DeliveryResult[];
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Shared between the concurrent senders: the run's retry budget and request count. */
interface RunState {
  retriesLeft: number;
  retries: number;
  requests: number;
  budgetExhausted: boolean;
  latencies: number[];
}

async function deliver(
  delivery: PlannedDelivery,
  options: SendOptions,
  state: RunState,
): Promise<DeliveryResult> {
  const maxAttempts = options.maxAttempts ?? 6;
  const maxDelay = options.maxRetryDelayMs ?? 5_000;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (delivery.signature !== undefined) headers['x-wh-signature-256'] = delivery.signature;
  let attempt = 0;
  for (;;) {
    attempt += 1;
    state.requests += 1;
    const started = performance.now();
    let retryWait: number;
    let last: DeliveryResult;
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers,
        body: delivery.body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer();
      const latencyMs = performance.now() - started;
      state.latencies.push(latencyMs);
      last = { delivery, status: response.status, attempts: attempt, latencyMs };
      // Like Ripio: a 503 means "try again later"; every other answer is final.
      if (response.status !== 503) return last;
      retryWait = retryAfterMs(response.headers.get('retry-after'), Date.now()) ?? backoff(attempt);
    } catch (error) {
      const latencyMs = performance.now() - started;
      last = { delivery, status: 'error', attempts: attempt, latencyMs, error: describeError(error) };
      retryWait = backoff(attempt);
    }
    if (attempt >= maxAttempts || options.signal?.aborted === true) return last;
    if (state.retriesLeft <= 0) {
      state.budgetExhausted = true;
      return last;
    }
    state.retriesLeft -= 1;
    state.retries += 1;
    await sleep(Math.min(retryWait, maxDelay), options.signal);
  }
}

function backoff(attempt: number): number {
  return Math.min(100 * 2 ** (attempt - 1), 5_000);
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * Sends a planned simulation over HTTP: at most `concurrency` requests in flight and, when `rate` is set, no
 * more than `rate` deliveries started per second. Retries on 503 and connection errors the way Ripio would,
 * within a bounded budget, and returns a summary plus every delivery's final answer.
 */
export async function runSimulation(plan: SimulationPlan, options: SendOptions): Promise<SimulationRun> {
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const state: RunState = {
    retriesLeft: options.retryBudget ?? 1_000,
    retries: 0,
    requests: 0,
    budgetExhausted: false,
    latencies: [],
  };
  const results: DeliveryResult[] = new Array<DeliveryResult>(plan.deliveries.length);
  const startedAt = performance.now();
  let next = 0;
  let done = 0;
  const slotTime = (index: number): number =>
    options.rate !== undefined && options.rate > 0 ? startedAt + (index * 1_000) / options.rate : 0;

  const sender = async (): Promise<void> => {
    while (next < plan.deliveries.length && options.signal?.aborted !== true) {
      const index = next;
      next += 1;
      const delivery = plan.deliveries[index];
      if (delivery === undefined) break;
      await sleep(slotTime(index) - performance.now(), options.signal);
      await sleep(delivery.delayMs, options.signal);
      const result = await deliver(delivery, options, state);
      results[index] = result;
      done += 1;
      options.onResult?.(result, done, plan.deliveries.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => sender()));
  const finished = results.filter((result): result is DeliveryResult => result !== undefined);
  return { summary: summarize(finished, state, performance.now() - startedAt), results: finished };
}

function summarize(
  results: readonly DeliveryResult[],
  state: RunState,
  durationMs: number,
): SimulationSummary {
  const byStatus: Record<string, number> = {};
  const byKind: SimulationSummary['byKind'] = {};
  let unacknowledged = 0;
  for (const result of results) {
    const status = String(result.status);
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    const kindCounts = (byKind[result.delivery.kind] ??= {});
    kindCounts[status] = (kindCounts[status] ?? 0) + 1;
    const valid = result.delivery.kind === 'event' || result.delivery.kind === 'duplicate';
    const acknowledged = typeof result.status === 'number' && result.status >= 200 && result.status < 300;
    if (valid && !acknowledged) unacknowledged += 1;
  }
  return {
    deliveries: results.length,
    requests: state.requests,
    retries: state.retries,
    retryBudgetExhausted: state.budgetExhausted,
    byStatus,
    byKind,
    unacknowledged,
    latencyMs: summarizeLatencies(state.latencies),
    durationMs,
  };
}
