import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { registerForCleanup, unregisterFromCleanup } from './cleanup.js';

export interface ProcessSpec {
  /** Short name used in logs and reports, e.g. `worker-2`. */
  name: string;
  /** Absolute path of the script run with this Node binary. */
  script: string;
  env: Record<string, string>;
  /** File that receives stdout and stderr (appended to across restarts). */
  logFile: string;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One child process of the stack: spawned with the same Node binary as the tests, logs appended to a file,
 * killable by signal and restartable with the same environment (and so the same port).
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });
  /** Every exit of every incarnation, in order. */
  readonly exits: ExitInfo[] = [];

  constructor(readonly spec: ProcessSpec) {}

  get name(): string {
    return this.spec.name;
  }

  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error(`${this.name} is not running`);
    return pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    const fd = openSync(this.spec.logFile, 'a');
    const child = spawn(process.execPath, [this.spec.script], {
      env: { PATH: process.env.PATH ?? '', ...this.spec.env },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.child = child;
    const pid = child.pid;
    if (pid !== undefined) registerForCleanup(pid);
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => {
        if (pid !== undefined) unregisterFromCleanup(pid);
        const info = { code, signal };
        this.exits.push(info);
        resolve(info);
      });
      child.once('error', () => resolve({ code: null, signal: null }));
    });
  }

  /** Sends a signal without waiting. */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    this.child?.kill(signal);
  }

  /** Sends a signal and waits for the process to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitInfo> {
    if (!this.running) return this.exits.at(-1) ?? { code: null, signal: null };
    this.child?.kill(signal);
    return this.exited;
  }

  /** Resolves when the current incarnation exits. */
  waitForExit(): Promise<ExitInfo> {
    return this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
