import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';

export interface LocalRedisOptions {
  /** redis-server binary (default `redis-server` on PATH). */
  bin?: string;
  /** Port to bind on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** Data directory; a fresh temporary one when omitted (removed by `stop`). */
  dir?: string;
  /** AOF persistence (`appendonly yes`). Default true. */
  appendonly?: boolean;
  /** `everysec` (default) or `always`. */
  appendfsync?: 'everysec' | 'always';
  /** Extra `--flag value` arguments. */
  extraArgs?: readonly string[];
}

/**
 * A redis-server child process that this test run owns: its own port and data directory, so tests can
 * SIGKILL it, restart it on the same data, or flush it without touching anybody else's Redis.
 */
export class LocalRedisServer {
  private child: ChildProcess | undefined;
  private constructor(
    readonly bin: string,
    readonly port: number,
    readonly dir: string,
    private readonly ownsDir: boolean,
    private readonly args: readonly string[],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  static async start(options: LocalRedisOptions = {}): Promise<LocalRedisServer> {
    const port = options.port ?? (await freePort());
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'ripio-redis-')));
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      options.appendonly === false ? 'no' : 'yes',
      '--appendfsync',
      options.appendfsync ?? 'everysec',
      '--maxmemory-policy',
      'noeviction',
      '--protected-mode',
      'no',
      ...(options.extraArgs ?? []),
    ];
    const server = new LocalRedisServer(options.bin ?? 'redis-server', port, dir, ownsDir, args);
    await server.spawnAndWait();
    return server;
  }

  /** Starts the process again on the same port and data directory (after `kill` or `shutdown`). */
  async restart(): Promise<void> {
    await this.spawnAndWait();
  }

  /** Sends a signal to the server process and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }

  /** Stops the server and removes the data directory it created. */
  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    if (this.ownsDir) await rm(this.dir, { recursive: true, force: true });
  }

  private async spawnAndWait(): Promise<void> {
    const child = spawn(this.bin, this.args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`could not run ${this.bin}: ${error.message}`)));
      child.once('exit', (code) => reject(new Error(`${this.bin} exited with ${String(code)}: ${stderr}`)));
    });
    failed.catch(() => undefined);
    await Promise.race([failed, this.waitForPing()]);
  }

  private async waitForPing(): Promise<void> {
    const client = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    // Refused connections while the server starts are expected: the loop below retries; don't print them.
    client.on('error', () => undefined);
    try {
      for (let attempt = 0; attempt < 200; attempt += 1) {
        try {
          if (client.status !== 'ready') await client.connect();
          // AOF loading answers -LOADING until done; PING only succeeds once the dataset is in memory.
          if ((await client.ping()) === 'PONG') return;
        } catch {
          client.disconnect();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      throw new Error(`redis-server on port ${this.port} did not answer PING`);
    } finally {
      client.disconnect();
    }
  }
}
