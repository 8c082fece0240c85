import { join } from 'node:path';
import { LocalRedisServer } from '@ripio-webhooks/test-support';
import { registerForCleanup, unregisterFromCleanup } from './cleanup.js';

export interface RedisOptions {
  /** Default `everysec`: what production runs with (see docs/reliability.md). */
  appendfsync?: 'everysec' | 'always';
  extraArgs?: readonly string[];
}

/**
 * The stack's own redis-server (own port, own data directory, AOF on, noeviction), with its PID registered
 * for cleanup so it dies with the test process whatever happens.
 */
export class RedisProcess {
  private constructor(
    private readonly server: LocalRedisServer,
    readonly appendfsync: 'everysec' | 'always',
  ) {}

  static async start(logDir: string, options: RedisOptions = {}): Promise<RedisProcess> {
    const appendfsync = options.appendfsync ?? 'everysec';
    const server = await LocalRedisServer.start({
      appendonly: true,
      appendfsync,
      extraArgs: ['--logfile', join(logDir, 'redis.log'), ...(options.extraArgs ?? [])],
    });
    const handle = new RedisProcess(server, appendfsync);
    handle.track();
    return handle;
  }

  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  get dataDir(): string {
    return this.server.dir;
  }

  get pid(): number | undefined {
    return this.server.pid;
  }

  /** Signals redis-server (SIGKILL: a crash; SIGTERM: a clean stop) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const pid = this.server.pid;
    await this.server.kill(signal);
    if (pid !== undefined) unregisterFromCleanup(pid);
  }

  /** Starts it again on the same port and data directory; resolves once the AOF is loaded. */
  async restart(): Promise<void> {
    await this.server.restart();
    this.track();
  }

  async stop(): Promise<void> {
    const pid = this.server.pid;
    await this.server.stop();
    if (pid !== undefined) unregisterFromCleanup(pid);
  }

  private track(): void {
    const pid = this.server.pid;
    if (pid !== undefined) registerForCleanup(pid);
  }
}
