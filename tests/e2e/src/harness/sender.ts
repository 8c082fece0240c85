import { Agent, request } from 'node:http';
import type { PlannedDelivery } from '@ripio-webhooks/cli';
import { sleep } from './wait.js';

/** How one HTTP attempt ended. `reset` (ECONNRESET / socket hang up) is what a graceful deploy must never cause. */
export type AttemptOutcome =
  | { kind: 'answer'; status: number; retryAfter: string | undefined }
  | { kind: 'reset'; code: string }
  | { kind: 'refused'; code: string }
  | { kind: 'timeout' }
  | { kind: 'other-error'; code: string };

export interface Attempt {
  startedAt: number;
  endedAt: number;
  outcome: AttemptOutcome;
  /** True when the request went out on a kept-alive socket that had served an earlier request. */
  reusedSocket: boolean;
}

export interface DeliveryRecord {
  index: number;
  delivery: PlannedDelivery;
  attempts: Attempt[];
}

export interface SendOptions {
  url: string;
  /** Requests in flight at most. */
  concurrency: number;
  /** Attempts per delivery, the first included; Ripio-like senders keep retrying 503s and connection errors. */
  maxAttempts: number;
  /** Cap on the wait before a retry (Retry-After is honoured up to this). */
  maxRetryDelayMs: number;
  /** Per-attempt timeout: an attempt without an answer by then counts as `timeout` (never expected). */
  timeoutMs: number;
  /** Keep connections alive between requests, as a production sender does (default true). */
  keepAlive?: boolean;
  /** Called after each delivery's final attempt. */
  onDelivered?: (record: DeliveryRecord, done: number) => void;
}

/** The final answer of a delivery, or the last error when it never got one. */
export function finalOutcome(record: DeliveryRecord): AttemptOutcome {
  const last = record.attempts.at(-1);
  if (last === undefined) throw new Error(`delivery ${record.index} made no attempt`);
  return last.outcome;
}

export function isAcked(record: DeliveryRecord): boolean {
  const outcome = finalOutcome(record);
  return outcome.kind === 'answer' && outcome.status >= 200 && outcome.status < 300;
}

function shouldRetry(outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case 'answer':
      return outcome.status === 503 || outcome.status === 429;
    case 'reset':
    case 'refused':
    case 'timeout':
    case 'other-error':
      return true;
    default: {
      const unreachable: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unreachable)}`);
    }
  }
}

function classify(error: NodeJS.ErrnoException): AttemptOutcome {
  const code = error.code ?? error.message;
  if (code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'socket hang up') {
    return { kind: 'reset', code };
  }
  if (code === 'ECONNREFUSED') return { kind: 'refused', code };
  return { kind: 'other-error', code };
}

function attempt(agent: Agent, url: URL, delivery: PlannedDelivery, timeoutMs: number): Promise<Attempt> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(delivery.body)),
  };
  if (delivery.signature !== undefined) headers['x-wh-signature-256'] = delivery.signature;
  const startedAt = Date.now();
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    const req = request(url, { method: 'POST', agent, headers });
    const finish = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ startedAt, endedAt: Date.now(), outcome, reusedSocket: req.reusedSocket });
    };
    const timer = setTimeout(() => {
      finish({ kind: 'timeout' });
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        const retryAfter = res.headers['retry-after'];
        finish({ kind: 'answer', status: res.statusCode ?? 0, retryAfter });
      });
      res.on('error', (error) => finish(classify(error)));
    });
    req.on('error', (error) => finish(classify(error)));
    req.end(delivery.body);
  });
}

/**
 * Sends planned deliveries the way Ripio would: concurrent, honouring each delivery's delay, retrying 503 and
 * connection errors (bounded by `maxAttempts`), and recording every attempt so a test can tell a 503 from a
 * reset or a timeout and see when each happened.
 */
export async function sendDeliveries(
  deliveries: readonly PlannedDelivery[],
  options: SendOptions,
): Promise<DeliveryRecord[]> {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: options.keepAlive ?? true, maxSockets: options.concurrency });
  const records: DeliveryRecord[] = [];
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    for (;;) {
      const index = next;
      next += 1;
      const delivery = deliveries[index];
      if (delivery === undefined) return;
      if (delivery.delayMs > 0) await sleep(delivery.delayMs);
      const record: DeliveryRecord = { index, delivery, attempts: [] };
      for (let number = 1; number <= options.maxAttempts; number += 1) {
        const result = await attempt(agent, url, delivery, options.timeoutMs);
        record.attempts.push(result);
        if (!shouldRetry(result.outcome) || number === options.maxAttempts) break;
        const hinted =
          result.outcome.kind === 'answer' ? Number(result.outcome.retryAfter ?? NaN) * 1_000 : NaN;
        const backoff = Math.min(50 * 2 ** (number - 1), options.maxRetryDelayMs);
        await sleep(Number.isFinite(hinted) ? Math.min(hinted, options.maxRetryDelayMs) : backoff);
      }
      records[index] = record;
      done += 1;
      options.onDelivered?.(record, done);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, () => lane()));
  } finally {
    agent.destroy();
  }
  return records;
}
