import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath, type AppName } from './repo.js';

export interface RunningApp {
  app: AppName;
  label: string;
  /** Where the app's /metrics answers. */
  metricsUrl: string;
  /** Headers a scrape needs (the admin token). */
  scrapeHeaders: Record<string, string>;
  /** host:port of the metrics endpoint, for a Prometheus static config. */
  metricsTarget: string;
  output(): string;
  stop(): Promise<void>;
}

export interface StartAppOptions {
  app: AppName;
  label: string;
  /** The app's environment (PATH is added). */
  env: Record<string, string>;
  /** Port of the endpoint answering health and metrics (PORT, METRICS_PORT or ADMIN_PORT). */
  port: number;
  scrapeHeaders?: Record<string, string>;
  /** The folder holding the app's package.json and dist/ (default apps/<app>); e.g. a `pnpm deploy` output. */
  appDir?: string;
}

const HEALTH_PATH: Record<AppName, string> = {
  receiver: '/readyz',
  worker: '/healthz',
  archiver: '/healthz',
  admin: '/healthz',
};

/**
 * Runs an app as production does, `node apps/<app>/dist/main.js`, and resolves once its health endpoint
 * answers 2xx. Rejects (with the app's output) when the app exits first.
 */
export async function startApp(options: StartAppOptions): Promise<RunningApp> {
  const appDir = options.appDir ?? repoPath('apps', options.app);
  const main = join(appDir, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build the ${options.app} first`);
  const child = spawn(process.execPath, [main], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${options.port}`;
  const running: RunningApp = {
    app: options.app,
    label: options.label,
    metricsUrl: `${base}/metrics`,
    scrapeHeaders: options.scrapeHeaders ?? {},
    metricsTarget: `127.0.0.1:${options.port}`,
    output: () => output,
    stop: () => stopChild(child, exited),
  };
  try {
    await waitForHealth(`${base}${HEALTH_PATH[options.app]}`, child);
  } catch (error) {
    await running.stop();
    throw new Error(`${options.label} did not become healthy: ${(error as Error).message}\n${output}`, {
      cause: error,
    });
  }
  return running;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited with ${String(child.exitCode ?? child.signalCode)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never answered 2xx`);
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  // Graceful shutdown first; a process still alive after 20 s is killed so the suite cannot hang.
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** GET /metrics of a running app, as Prometheus would. */
export async function scrape(app: RunningApp): Promise<string> {
  const response = await fetch(app.metricsUrl, { headers: app.scrapeHeaders });
  if (!response.ok) throw new Error(`${app.label} answered ${response.status} on /metrics`);
  return response.text();
}
