import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, LocalPostgresServer } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { ManagedProcess } from './managed-process.js';
import { APP_ENTRY, LEDGER_HANDLERS, assertBuilt } from './paths.js';
import { RedisProcess, type RedisOptions } from './redis-process.js';
import { pollUntil } from './wait.js';

export type Env = Record<string, string>;

export interface StackOptions {
  /** Scenario name: names the log directory. */
  name: string;
  /** Worker processes to start (default 3). */
  workers?: number;
  redis?: RedisOptions;
  env?: { all?: Env; receiver?: Env; worker?: Env; admin?: Env; archiver?: Env };
  /** Run the event log: a Postgres of the scenario's own and an archiver; workers get EVENT_LOG=postgres. */
  eventLog?: boolean;
  /** Milliseconds the ledger handler waits before returning (widens the "mid-handler" window). */
  handlerDelayMs?: number;
}

/** A process of the stack and where to ask whether it is up. */
export interface StackProcess {
  process: ManagedProcess;
  port: number;
  healthUrl: string;
}

export const QUEUE_PREFIX = 'ripio';
export const LEDGER_PREFIX = 'e2e';

/**
 * Everything one scenario runs: its own Redis, the built receiver, N workers and the admin app as child
 * processes on free loopback ports, each logging to a file under `logDir`.
 */
export class Stack {
  readonly secret = randomBytes(16).toString('hex');
  readonly adminToken = randomBytes(16).toString('hex');
  /** INTAKE_PROOF_KEYS of the receiver and the workers (never given to the admin app). */
  readonly intakeProofKey = randomBytes(32).toString('hex');
  readonly workers: StackProcess[] = [];
  private workerCount = 0;
  private readonly clients: Redis[] = [];
  receiver!: StackProcess;
  admin!: StackProcess;
  /** With `eventLog`: the scenario's Postgres and the archiver. */
  postgres: LocalPostgresServer | undefined;
  archiver: StackProcess | undefined;

  private constructor(
    readonly options: StackOptions,
    readonly logDir: string,
    readonly redis: RedisProcess,
  ) {}

  static async start(options: StackOptions): Promise<Stack> {
    assertBuilt();
    const logDir = mkdtempSync(join(tmpdir(), `ripio-e2e-${options.name}-`));
    console.log(`[e2e] ${options.name}: logs in ${logDir}`);
    const redis = await RedisProcess.start(logDir, options.redis);
    const stack = new Stack(options, logDir, redis);
    try {
      if (options.eventLog === true) {
        stack.postgres = await LocalPostgresServer.start();
        const port = await freePort();
        stack.archiver = stack.spawn(
          'archiver',
          APP_ENTRY.archiver,
          stack.archiverEnv(port),
          '/healthz',
          port,
        );
        await stack.waitHealthy(stack.archiver);
      }
      stack.receiver = stack.spawn('receiver', APP_ENTRY.receiver, await stack.receiverEnv(), '/healthz');
      stack.admin = stack.spawn('admin', APP_ENTRY.admin, await stack.adminEnv(), '/healthz');
      for (let index = 0; index < (options.workers ?? 3); index += 1) await stack.addWorker();
      await Promise.all([stack.receiver, stack.admin, ...stack.workers].map((p) => stack.waitHealthy(p)));
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  get webhookUrl(): string {
    return `http://127.0.0.1:${this.receiver.port}/webhooks/ripio`;
  }

  get receiverUrl(): string {
    return `http://127.0.0.1:${this.receiver.port}`;
  }

  get adminUrl(): string {
    return `http://127.0.0.1:${this.admin.port}`;
  }

  /** A Redis client for the test itself (ledger, failure switches); closed by `stop`. */
  redisClient(): Redis {
    const client = new Redis(this.redis.url, { maxRetriesPerRequest: 3, lazyConnect: false });
    client.on('error', () => undefined);
    this.clients.push(client);
    return client;
  }

  /** Starts one more worker process (its own metrics port) and waits until it answers. */
  async addWorker(): Promise<StackProcess> {
    this.workerCount += 1;
    const port = await freePort();
    const worker = this.spawn(
      `worker-${this.workerCount}`,
      APP_ENTRY.worker,
      this.workerEnv(port),
      '/healthz',
      port,
    );
    this.workers.push(worker);
    await this.waitHealthy(worker);
    return worker;
  }

  /** Starts a stopped process again with the same environment (the same port) and waits until it answers. */
  async restart(target: StackProcess): Promise<void> {
    if (target.process.running) await target.process.waitForExit();
    target.process.start();
    await this.waitHealthy(target);
  }

  /** Polls the process's health URL (bounded); fails with its log tail if it exits or never answers. */
  async waitHealthy(target: StackProcess): Promise<void> {
    try {
      await pollUntil({ what: `${target.process.name} at ${target.healthUrl}`, maxPolls: 300 }, async () => {
        if (!target.process.running) throw new Error(`${target.process.name} exited`);
        const response = await fetch(target.healthUrl, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        return response.ok ? true : undefined;
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.logTail(target.process.name)}`, { cause: error });
    }
  }

  /** The last lines of a process's log, for failure messages. */
  logTail(name: string, lines = 30): string {
    const file = join(this.logDir, `${name}.log`);
    if (!existsSync(file)) return `(no log at ${file})`;
    const text = readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
    return `--- last lines of ${file} ---\n${text}`;
  }

  /** Kills everything this stack started (SIGTERM, then SIGKILL), whatever state it is in. */
  async stop(): Promise<void> {
    for (const client of this.clients.splice(0)) client.disconnect();
    const all = [this.receiver, this.admin, this.archiver, ...this.workers].filter(
      (p): p is StackProcess => p !== undefined,
    );
    await Promise.all(all.map((p) => p.process.stop(5_000)));
    await this.redis.stop();
    await this.postgres?.stop();
  }

  private spawn(name: string, script: string, env: Env, healthPath: string, port?: number): StackProcess {
    const listenPort = port ?? Number(env.PORT ?? env.ADMIN_PORT);
    const child = new ManagedProcess({ name, script, env, logFile: join(this.logDir, `${name}.log`) });
    child.start();
    return { process: child, port: listenPort, healthUrl: `http://127.0.0.1:${listenPort}${healthPath}` };
  }

  private commonEnv(): Env {
    return {
      REDIS_URL: this.redis.url,
      QUEUE_PREFIX,
      LOG_LEVEL: 'info',
      ...this.options.env?.all,
    };
  }

  private async receiverEnv(): Promise<Env> {
    return {
      ...this.commonEnv(),
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      RIPIO_WEBHOOK_SECRETS: this.secret,
      INTAKE_PROOF_KEYS: this.intakeProofKey,
      ENQUEUE_TIMEOUT_MS: '2000',
      RETRY_AFTER_SECONDS: '1',
      ...this.options.env?.receiver,
    };
  }

  private async adminEnv(): Promise<Env> {
    return {
      ...this.commonEnv(),
      ADMIN_PORT: String(await freePort()),
      ADMIN_HOST: '127.0.0.1',
      ADMIN_TOKEN: this.adminToken,
      ...this.options.env?.admin,
    };
  }

  private archiverEnv(metricsPort: number): Env {
    if (this.postgres === undefined) throw new Error('the archiver needs the stack’s Postgres');
    return {
      ...this.commonEnv(),
      EVENT_LOG: 'postgres',
      DATABASE_URL: this.postgres.url,
      EVENT_LOG_MIGRATE: 'true',
      ARCHIVE_BLOCK_MS: '200',
      // A killed archiver's batch is taken over by its successor after 2 s (30 s by default).
      ARCHIVE_CLAIM_IDLE_MS: '2000',
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
      ...this.options.env?.archiver,
    };
  }

  private workerEnv(metricsPort: number): Env {
    return {
      ...this.commonEnv(),
      ...(this.options.eventLog === true ? { EVENT_LOG: 'postgres' } : {}),
      INTAKE_PROOF_KEYS: this.intakeProofKey,
      WORKER_CONCURRENCY: '8',
      // Five attempts 200 ms .. 1.6 s apart. The breaker is off unless a scenario turns it on (scenario 10):
      // the others count attempts and would only be slowed by it.
      RETRY_SCHEDULE: '200ms,400ms,800ms,1600ms',
      BREAKER_ENABLED: 'false',
      // Shorter than the defaults (30 s each, handlers 30 s): a dead worker's jobs and entity locks
      // (HANDLER_TIMEOUT_MS + JOB_LOCK_MS) come free sooner. The job lock still outlasts the fault scenarios'
      // Redis outages (renewed every 7.5 s, so at least 7.5 s left when Redis goes away for 5 s), otherwise live
      // workers lose their jobs to the stalled check and handlers re-run. Scenario 2 (no outage) uses 5000.
      JOB_LOCK_MS: '15000',
      STALLED_INTERVAL_MS: '5000',
      HANDLER_TIMEOUT_MS: '10000',
      HANDLERS_MODULE: LEDGER_HANDLERS,
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
      E2E_LEDGER_REDIS_URL: this.redis.url,
      E2E_LEDGER_PREFIX: LEDGER_PREFIX,
      E2E_HANDLER_DELAY_MS: String(this.options.handlerDelayMs ?? 0),
      ...this.options.env?.worker,
    };
  }
}

/** `startStack(options)`: see {@link Stack}. */
export function startStack(options: StackOptions): Promise<Stack> {
  return Stack.start(options);
}
