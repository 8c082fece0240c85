import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** An app started from its built dist/main.js, with its output kept for failure messages. */
export interface ChildApp {
  process: ChildProcess;
  /** `http://host:port` of the ready URL. */
  url: string;
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Starts `node <script>` with exactly `env` and waits until `readyUrl` answers 200 (bounded), or fails with
 * the child's output when it exits first.
 */
export async function startChildApp(
  script: string,
  env: Record<string, string>,
  readyUrl: string,
): Promise<ChildApp> {
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return { process: child, url: new URL(readyUrl).origin, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`${script} did not become ready at ${readyUrl}:\n${output}`);
}

/**
 * Sends `signal` to the app and resolves with its exit once the 'exit' event comes. If it has not come within
 * `withinMs`, the app is SIGKILLed and this rejects with `explanation` and the app's output.
 */
export async function signalAndAwaitExit(
  app: ChildApp,
  signal: NodeJS.Signals,
  withinMs: number,
  explanation: string,
): Promise<ChildExit> {
  const child = app.process;
  if (child.exitCode !== null || child.signalCode !== null) {
    return { code: child.exitCode, signal: child.signalCode };
  }
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), withinMs);
  });
  const first = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (first === 'late') {
    child.kill('SIGKILL');
    await exited;
    throw new Error(
      `${explanation} (still running ${withinMs} ms after ${signal}; killed). Output:\n${app.output()}`,
    );
  }
  const [code, exitSignal] = first;
  return { code, signal: exitSignal };
}
