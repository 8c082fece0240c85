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
