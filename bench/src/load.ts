import { connect, type Socket } from 'node:net';
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

interface PendingRequest {
  event: SignedEvent;
  dueAt: number;
}

interface InFlight extends PendingRequest {
  sentAt: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

/** One keep-alive HTTP/1.1 connection carrying one request at a time, parsed by hand (cheap per request). */
class PacedConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private current: InFlight | undefined;
  closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly onDone: (
      connection: PacedConnection,
      request: InFlight,
      status: number | undefined,
    ) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const close = (): void => {
      this.closed = true;
      const request = this.current;
      this.current = undefined;
      if (request !== undefined) this.onDone(this, request, undefined);
    };
    socket.on('error', close);
    socket.on('close', close);
  }

  static open(port: number, onDone: PacedConnection['onDone']): Promise<PacedConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new PacedConnection(socket, onDone)));
      socket.once('error', reject);
    });
  }

  get idle(): boolean {
    return !this.closed && this.current === undefined;
  }

  send(request: PendingRequest, port: number, path: string): void {
    const { event } = request;
    this.current = { ...request, sentAt: performance.now() };
    this.socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
        `X-Wh-Signature-256: ${event.signature}\r\nContent-Length: ${Buffer.byteLength(event.body)}\r\n\r\n${event.body}`,
    );
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buffered.subarray(0, headerEnd).toString('latin1');
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    let end: number;
    if (length !== undefined) {
      end = headerEnd + 4 + Number(length);
      if (this.buffered.length < end) return;
    } else {
      const chunkedEnd = this.buffered.indexOf(CHUNKED_END, headerEnd + 4);
      if (chunkedEnd < 0) return;
      end = chunkedEnd + CHUNKED_END.length;
    }
    this.buffered = this.buffered.subarray(end);
    const status = Number(head.slice(9, 12));
    const request = this.current;
    this.current = undefined;
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    if (request !== undefined) this.onDone(this, request, status);
  }
}

/**
 * Open-loop load at a fixed rate: requests are started on a schedule (every millisecond tick, as many as are due),
 * whatever the responses do; a due request waits only when all `maxSockets` connections are busy. It writes and
 * parses HTTP/1.1 by hand over keep-alive sockets, as autocannon does, so the generator costs little CPU: on a
 * 2-core machine it shares the cores with the server. autocannon's own rate limit sends each second's quota in a
 * burst, which measures saturation latency again, so fixed-rate runs use this instead.
 */
export async function paced(
  target: Target,
  source: EventSource,
  options: PacedOptions,
): Promise<PacedResult> {
  const maxSockets = options.maxSockets ?? 256;
  const samples = new Samples();
  const fromSchedule = new Samples();
  const statusCodes: Record<string, number> = {};
  const intervalMs = 1000 / options.rate;
  const total = Math.round(options.rate * options.durationS);
  const connections: PacedConnection[] = [];
  const waiting: PendingRequest[] = [];
  let opening = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let settled = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const onDone = (connection: PacedConnection, request: InFlight, status: number | undefined): void => {
    const now = performance.now();
    if (status === undefined) {
      errors += 1;
    } else {
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status >= 200 && status < 300) {
        ok += 1;
        samples.add(now - request.sentAt);
        fromSchedule.add(now - request.dueAt);
        options.onAck?.(request.event, Date.now());
      } else {
        non2xx += 1;
      }
    }
    settled += 1;
    if (settled === total) resolveDone();
    const next = waiting.shift();
    if (next !== undefined) dispatch(next, connection);
  };

  const open = (): void => {
    opening += 1;
    PacedConnection.open(target.port, onDone).then(
      (connection) => {
        opening -= 1;
        connections.push(connection);
        const next = waiting.shift();
        if (next !== undefined) dispatch(next, connection);
      },
      () => {
        opening -= 1;
        const next = waiting.shift();
        if (next !== undefined) {
          errors += 1;
          settled += 1;
          if (settled === total) resolveDone();
        }
      },
    );
  };

  const dispatch = (request: PendingRequest, preferred?: PacedConnection): void => {
    const connection = preferred?.idle === true ? preferred : connections.find((candidate) => candidate.idle);
    if (connection !== undefined) {
      connection.send(request, target.port, target.path);
      return;
    }
    waiting.push(request);
    const live = connections.filter((candidate) => !candidate.closed).length;
    if (live + opening < maxSockets) open();
  };

  // Open a first set of connections before the clock starts, so connection set-up is not measured.
  const initial = Math.min(maxSockets, Math.max(4, Math.ceil(options.rate / 200)));
  connections.push(
    ...(await Promise.all(Array.from({ length: initial }, () => PacedConnection.open(target.port, onDone)))),
  );

  const begin = performance.now();
  let started = 0;
  const tick = (): void => {
    const due = Math.min(total, Math.floor((performance.now() - begin) / intervalMs) + 1);
    while (started < due) {
      dispatch({ event: source(), dueAt: begin + started * intervalMs });
      started += 1;
    }
    if (started < total) setTimeout(tick, 1);
  };
  if (total === 0) resolveDone();
  else tick();
  // Bounded: if the server dies, the requests still waiting count as errors.
  let deadline: NodeJS.Timeout | undefined;
  await Promise.race([
    done,
    new Promise<void>((resolve) => {
      deadline = setTimeout(resolve, options.durationS * 1000 + 30_000);
    }),
  ]);
  clearTimeout(deadline);
  errors += total - settled;
  const elapsedS = (performance.now() - begin) / 1000;
  for (const connection of connections) connection.close();
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
