import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import type { EventSource, SignedEvent } from './bodies.js';
import { Samples, summarizeLatency, type LatencySummary } from './stats.js';

export interface Target {
  port: number;
  path: string;
}

export interface LoadResult {
  /** Responses per second over the measured window (2xx only). */
  rps: number;
  latencyMs: LatencySummary;
  responses: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

function headersOf(event: SignedEvent): Record<string, string> {
  return { 'content-type': 'application/json', 'x-wh-signature-256': event.signature };
}

/**
 * Closed-loop saturation with autocannon: `connections` keep one request each in flight for `durationS`. Latency
 * comes from autocannon's per-response timings (sub-millisecond), not its integer-millisecond histogram.
 */
export function saturate(
  target: Target,
  source: EventSource,
  connections: number,
  durationS: number,
): Promise<LoadResult> {
  const samples = new Samples();
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let non2xx = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${target.port}`,
        connections,
        duration: durationS,
        requests: [
          {
            method: 'POST',
            path: target.path,
            setupRequest: (req) => {
              const event = source();
              return {
                ...req,
                method: 'POST',
                path: target.path,
                body: event.body,
                headers: headersOf(event),
              };
            },
          },
        ],
      },
      (error, result) => {
        if (error !== null && error !== undefined) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        resolve({
          rps: ok / (result.duration > 0 ? result.duration : durationS),
          latencyMs: summarizeLatency(samples),
          responses: ok + non2xx,
          non2xx,
          errors: result.errors + result.timeouts,
          statusCodes,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) {
        ok += 1;
        samples.add(responseTime);
      } else {
        non2xx += 1;
      }
    });
  });
}

export interface PacedOptions {
  rate: number;
  durationS: number;
  /** Upper bound on concurrent sockets (requests beyond it wait in the agent's queue, and that wait counts). */
  maxSockets?: number;
  /** Called with the event and the time (Date.now()) its 2xx response arrived. */
  onAck?: (event: SignedEvent, ackedAtMs: number) => void;
}

export interface PacedResult extends LoadResult {
  targetRate: number;
  /** Latency measured from the time each request was due, so a stalled generator or server cannot hide delay. */
  fromScheduleMs: LatencySummary;
}

/**
 * Open-loop load at a fixed rate: requests are started on a schedule (every millisecond tick, as many as are due),
 * whatever the responses do. autocannon's own rate limit sends each second's quota in a burst, which measures
 * saturation latency again, so fixed-rate runs use this instead.
 */
export async function paced(
  target: Target,
  source: EventSource,
  options: PacedOptions,
): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  const samples = new Samples();
  const fromSchedule = new Samples();
  const statusCodes: Record<string, number> = {};
  const intervalMs = 1000 / options.rate;
  const total = Math.round(options.rate * options.durationS);
  let started = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let settled = 0;
  const begin = performance.now();

  const done = new Promise<void>((resolve) => {
    const send = (dueAt: number): void => {
      const event = source();
      const body = Buffer.from(event.body);
      const sentAt = performance.now();
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port: target.port,
          path: target.path,
          method: 'POST',
          headers: { ...headersOf(event), 'content-length': String(body.length) },
        },
        (res) => {
          res.resume();
          res.once('end', () => {
            const now = performance.now();
            const status = res.statusCode ?? 0;
            statusCodes[status] = (statusCodes[status] ?? 0) + 1;
            if (status >= 200 && status < 300) {
              ok += 1;
              samples.add(now - sentAt);
              fromSchedule.add(now - dueAt);
              options.onAck?.(event, Date.now());
            } else {
              non2xx += 1;
            }
            finish();
          });
        },
      );
      req.once('error', () => {
        errors += 1;
        finish();
      });
      req.end(body);
    };
    const finish = (): void => {
      settled += 1;
      if (settled === total) resolve();
    };
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - begin) / intervalMs) + 1);
      while (started < due) {
        send(begin + started * intervalMs);
        started += 1;
      }
      if (started < total) setTimeout(tick, 1);
    };
    if (total === 0) resolve();
    else tick();
  });
  await done;
  const elapsedS = (performance.now() - begin) / 1000;
  agent.destroy();
  return {
    targetRate: options.rate,
    rps: ok / Math.max(elapsedS, options.durationS),
    latencyMs: summarizeLatency(samples),
    fromScheduleMs: summarizeLatency(fromSchedule),
    responses: ok + non2xx,
    non2xx,
    errors,
    statusCodes,
  };
}
