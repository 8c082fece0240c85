// The processes `npm start` runs (Redis and the apps), and stopping them in order: the apps first (workers finish
// their jobs), then the Redis this script started.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, paint, pipeWithPrefix, say } from './console.mjs';

/** The repository's root directory. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STOP_DEADLINE_MS = 45_000;
const colors = ['\x1b[36m', '\x1b[33m', '\x1b[35m', '\x1b[32m', '\x1b[34m'];

const children = []; // { label, role: 'app' | 'store', child, exited: Promise<void>, done }
let stopping = false;
let shutdownPromise;

/**
 * Starts `command` with its output prefixed by `label`. If it exits before the shutdown, everything is stopped.
 * `role` decides the order of stopping: 'app' first, then 'store' (the Redis and Postgres started here).
 */
export function startChild(label, role, command, args, childEnv) {
  const color = colors[children.length % colors.length];
  const prefix = paint(color, `[${label}]`.padEnd(12));
  // Own process group: Ctrl-C reaches only this script, which then stops the apps before Redis, in order.
  const child = spawn(command, args, {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  pipeWithPrefix(child.stdout, prefix, process.stdout);
  pipeWithPrefix(child.stderr, prefix, process.stderr);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      entry.done = true;
      if (!stopping) {
        fail(`${label} exited unexpectedly (${signal ?? `code ${code}`}): stopping everything`);
        void shutdown(1);
      }
      resolve();
    });
    child.once('error', (error) => {
      entry.done = true;
      fail(`could not start ${label}: ${error.message}`);
      if (!stopping) void shutdown(1);
      resolve();
    });
  });
  const entry = { label, role, child, exited, done: false };
  children.push(entry);
  return entry;
}

async function stopEntry(entry) {
  if (entry.done) return;
  entry.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!entry.done) {
      fail(`${entry.label} did not stop within ${STOP_DEADLINE_MS / 1000} s: SIGKILL`);
      entry.child.kill('SIGKILL');
    }
  }, STOP_DEADLINE_MS);
  await entry.exited;
  clearTimeout(timer);
}

/** Stops every app, then the Redis and Postgres this script started, then exits with `code` (once, however often called). */
export function shutdown(code) {
  shutdownPromise ??= (async () => {
    stopping = true;
    const apps = children.filter((entry) => entry.role === 'app' && !entry.done);
    if (apps.length > 0) {
      say(`stopping ${apps.map((entry) => entry.label).join(', ')} (SIGTERM, waiting for them)`);
    }
    await Promise.all(apps.map(stopEntry));
    for (const entry of children.filter((candidate) => candidate.role === 'store')) {
      say(`stopping the ${entry.label} this script started (its data stays for the next run)`);
      await stopEntry(entry);
    }
    say('stopped');
    process.exit(code);
  })();
  return shutdownPromise;
}

/** The shutdown under way, if one is: a step that waits gives way to it. */
export function shutdownUnderWay() {
  return stopping ? shutdownPromise : undefined;
}

/** Ctrl-C, SIGTERM and a closed terminal stop everything in order. */
export function stopOnSignals() {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // A closed terminal (SIGHUP) also stops everything in order, instead of leaving the apps and Redis behind.
  process.on('SIGHUP', () => void shutdown(0));
  // When whoever reads our output goes away (a pipe into `tee` that Ctrl-C ended), keep going: the shutdown
  // matters more than its log lines.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}
