/**
 * Last line of defence: every PID the harness spawned is remembered here and SIGKILLed when the test process
 * exits for any reason, so a failing or interrupted test never leaves a receiver, worker or Redis behind.
 * Normal teardown (`stack.stop()` in afterAll) removes PIDs as their processes exit.
 */
const pids = new Set<number>();
let hooked = false;

function killAll(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pids.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

export function registerForCleanup(pid: number): void {
  hook();
  pids.add(pid);
}

export function unregisterFromCleanup(pid: number): void {
  pids.delete(pid);
}
