import type { EventSource, SignedEvent } from './bodies.js';
import type { LoadResult, Target } from './load.js';
import { PacedConnection, type InFlight, type PendingRequest } from './paced-connection.js';
import { Samples, summarizeLatency, type LatencySummary } from './stats.js';

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

/** The answers of one paced run; `done` resolves once each of the `total` requests has an answer or an error. */
class PacedTally {
  private readonly samples = new Samples();
  private readonly fromSchedule = new Samples();
  private readonly statusCodes: Record<string, number> = {};
  private ok = 0;
  private non2xx = 0;
  private errors = 0;
  private settled = 0;
  private resolveDone: () => void = () => undefined;
  readonly done = new Promise<void>((resolve) => {
    this.resolveDone = resolve;
  });

  constructor(
    private readonly total: number,
    private readonly onAck: PacedOptions['onAck'],
  ) {
    if (total === 0) this.resolveDone();
  }

  /** A request ended: with its HTTP status, or `undefined` when its connection failed. */
  record(request: InFlight, status: number | undefined): void {
    const now = performance.now();
    if (status === undefined) {
      this.errors += 1;
    } else {
      this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1;
      if (status >= 200 && status < 300) {
        this.ok += 1;
        this.samples.add(now - request.sentAt);
        this.fromSchedule.add(now - request.dueAt);
        this.onAck?.(request.event, Date.now());
      } else {
        this.non2xx += 1;
      }
    }
    this.settle();
  }

  /** A request that could not be sent at all. */
  fail(): void {
    this.errors += 1;
    this.settle();
  }

  /** Counts every request still without an answer as an error (the run is over). */
  abandonUnsettled(): void {
    this.errors += this.total - this.settled;
  }

  result(targetRate: number, elapsedS: number, durationS: number): PacedResult {
    return {
      targetRate,
      rps: this.ok / Math.max(elapsedS, durationS),
      latencyMs: summarizeLatency(this.samples),
      fromScheduleMs: summarizeLatency(this.fromSchedule),
      responses: this.ok + this.non2xx,
      non2xx: this.non2xx,
      errors: this.errors,
      statusCodes: this.statusCodes,
    };
  }

  private settle(): void {
    this.settled += 1;
    if (this.settled === this.total) this.resolveDone();
  }
}

/** Up to `maxSockets` keep-alive connections to the target; a request waits in line while all of them are busy. */
class ConnectionPool {
  private readonly connections: PacedConnection[] = [];
  private readonly waiting: PendingRequest[] = [];
  private opening = 0;

  constructor(
    private readonly target: Target,
    private readonly maxSockets: number,
    private readonly tally: PacedTally,
  ) {}

  /** Opens `count` connections up front, so that connection set-up is not measured. */
  async warm(count: number): Promise<void> {
    this.connections.push(
      ...(await Promise.all(
        Array.from({ length: count }, () => PacedConnection.open(this.target.port, this.onDone)),
      )),
    );
  }

  dispatch(request: PendingRequest, preferred?: PacedConnection): void {
    const connection =
      preferred?.idle === true ? preferred : this.connections.find((candidate) => candidate.idle);
    if (connection !== undefined) {
      connection.send(request, this.target.port, this.target.path);
      return;
    }
    this.waiting.push(request);
    const live = this.connections.filter((candidate) => !candidate.closed).length;
    if (live + this.opening < this.maxSockets) this.open();
  }

  closeAll(): void {
    for (const connection of this.connections) connection.close();
  }

  private readonly onDone = (
    connection: PacedConnection,
    request: InFlight,
    status: number | undefined,
  ): void => {
    this.tally.record(request, status);
    const next = this.waiting.shift();
    if (next !== undefined) this.dispatch(next, connection);
  };

  private open(): void {
    this.opening += 1;
    PacedConnection.open(this.target.port, this.onDone).then(
      (connection) => {
        this.opening -= 1;
        this.connections.push(connection);
        const next = this.waiting.shift();
        if (next !== undefined) this.dispatch(next, connection);
      },
      () => {
        this.opening -= 1;
        if (this.waiting.shift() !== undefined) this.tally.fail();
      },
    );
  }
}

/** Starts every request when it is due (checked each millisecond), whatever the answers do. */
function startOnSchedule(
  pool: ConnectionPool,
  source: EventSource,
  total: number,
  intervalMs: number,
  begin: number,
): void {
  let started = 0;
  const tick = (): void => {
    const due = Math.min(total, Math.floor((performance.now() - begin) / intervalMs) + 1);
    while (started < due) {
      pool.dispatch({ event: source(), dueAt: begin + started * intervalMs });
      started += 1;
    }
    if (started < total) setTimeout(tick, 1);
  };
  if (total > 0) tick();
}

/** Resolves with `done`, or after `ms` if that comes first. */
async function untilDoneOrDeadline(done: Promise<void>, ms: number): Promise<void> {
  let deadline: NodeJS.Timeout | undefined;
  await Promise.race([
    done,
    new Promise<void>((resolve) => {
      deadline = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(deadline);
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
  const total = Math.round(options.rate * options.durationS);
  const tally = new PacedTally(total, options.onAck);
  const pool = new ConnectionPool(target, maxSockets, tally);
  await pool.warm(Math.min(maxSockets, Math.max(4, Math.ceil(options.rate / 200))));

  const begin = performance.now();
  startOnSchedule(pool, source, total, 1000 / options.rate, begin);
  // Bounded: if the server dies, the requests still waiting count as errors.
  await untilDoneOrDeadline(tally.done, options.durationS * 1000 + 30_000);
  tally.abandonUnsettled();
  const elapsedS = (performance.now() - begin) / 1000;
  pool.closeAll();
  return tally.result(options.rate, elapsedS, options.durationS);
}
