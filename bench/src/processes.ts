import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TMP_DIR } from './config.js';

export interface SpawnOptions {
  /** Name used for the log file (bench/results/tmp/logs/<name>.log). */
  name: string;
  node: string;
  script: string;
  nodeArgs?: readonly string[];
  env: Record<string, string>;
}

const live = new Set<ChildProcess>();
// A benchmark stopped half-way must not leave servers behind: kill whatever is still running on exit.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A Node child process started by the benchmark; stdout and stderr go to a log file. */
export class ChildServer {
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly logPath: string,
  ) {}

  static start(options: SpawnOptions): ChildServer {
    const logDir = join(TMP_DIR, 'logs');
    mkdirSync(logDir, { recursive: true });
    const logPath = join(logDir, `${options.name}.log`);
    const log = openSync(logPath, 'w');
    const child = spawn(options.node, [...(options.nodeArgs ?? []), options.script], {
      env: { PATH: process.env['PATH'] ?? '', ...options.env },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    live.add(child);
    child.once('exit', () => live.delete(child));
    return new ChildServer(options.name, child, logPath);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Waits until something accepts TCP connections on the port (bounded: about 30 s). */
  async waitForPort(port: number): Promise<void> {
    for (let attempt = 0; attempt < 600; attempt += 1) {
      if (this.exited) throw new Error(`${this.name} exited before listening (see ${this.logPath})`);
      if (await canConnect(port)) return;
      await sleep(50);
    }
    throw new Error(`${this.name} did not listen on ${port} (see ${this.logPath})`);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Stops every child, even when some fail. */
export async function stopAll(children: readonly ChildServer[]): Promise<void> {
  await Promise.allSettled(children.map((child) => child.stop()));
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. Per request it is
 * far steadier than throughput on a shared machine: other work delays a server but does not make it burn more CPU.
 */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
