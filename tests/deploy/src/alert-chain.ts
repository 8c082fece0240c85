import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@ripio-webhooks/test-support';
import { repoPath } from './repo.js';

/** A process this test started, on a loopback port, ended by its PID. */
export interface LoopbackProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Where compose's Alertmanager reaches the sink (deploy/alertmanager/alertmanager.yml). */
export const COMPOSE_SINK_URL = 'http://alert-sink:9095';

/** Starts `command args` and resolves once `${url}${readyPath}` answers 2xx; rejects with its output if it exits. */
async function startProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  url: string,
  readyPath: string,
  cleanup: () => void = () => undefined,
): Promise<LoopbackProcess> {
  const child: ChildProcess = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    cleanup();
  };
  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${command} exited with ${String(child.exitCode)}:\n${output}`);
    }
    try {
      if ((await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      // not up yet
    }
    if (attempt >= 300) {
      await stop();
      throw new Error(`${command} never became ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, output: () => output, stop };
}

/** deploy/alert-sink/alert-sink.mjs on a free loopback port. */
export async function startAlertSink(): Promise<LoopbackProcess> {
  const port = await freePort();
  return startProcess(
    process.execPath,
    [repoPath('deploy', 'alert-sink', 'alert-sink.mjs')],
    { PATH: process.env.PATH, ALERT_SINK_HOST: '127.0.0.1', ALERT_SINK_PORT: String(port) },
    `http://127.0.0.1:${port}`,
    '/healthz',
  );
}

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) with a copy of deploy/alertmanager whose only change is
 * the sink's address, on a free loopback port, without clustering.
 */
export async function startAlertmanager(binary: string, sinkUrl: string): Promise<LoopbackProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'ripio-alertmanager-'));
  cpSync(repoPath('deploy', 'alertmanager'), join(dir, 'config'), { recursive: true });
  const configFile = join(dir, 'config', 'alertmanager.yml');
  const config = readFileSync(configFile, 'utf8');
  if (!config.includes(COMPOSE_SINK_URL)) {
    throw new Error(`alertmanager.yml no longer posts to ${COMPOSE_SINK_URL}`);
  }
  writeFileSync(configFile, config.replaceAll(COMPOSE_SINK_URL, sinkUrl));
  const port = await freePort();
  return startProcess(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { PATH: process.env.PATH },
    `http://127.0.0.1:${port}`,
    '/-/ready',
    () => rmSync(dir, { recursive: true, force: true }),
  );
}
