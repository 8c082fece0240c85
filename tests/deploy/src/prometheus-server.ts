import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@ripio-webhooks/test-support';
import { stringify } from 'yaml';
import type { RunningApp } from './app-process.js';

export interface PrometheusServer {
  url: string;
  /** Instant query through the HTTP API; the result vector. */
  query(expression: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  output(): string;
  stop(): Promise<void>;
}

interface QueryAnswer {
  status: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
  error?: string;
}

/**
 * A real Prometheus (the Debian package's binary) on a free loopback port, scraping the given apps every second
 * through a generated static config (the compose file uses DNS discovery, which needs Docker's DNS). The admin
 * job authenticates with a bearer token from a file, as in deploy/prometheus/prometheus.yml.
 */
export async function startPrometheus(
  binary: string,
  jobs: { job: string; apps: Pick<RunningApp, 'metricsTarget'>[]; bearerToken?: string }[],
  alerting: { ruleFiles: string[]; alertmanager: string } | undefined = undefined,
): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'ripio-prometheus-'));
  const scrapeConfigs = [];
  for (const { job, apps, bearerToken } of jobs) {
    const config: Record<string, unknown> = {
      job_name: job,
      scrape_interval: '1s',
      scrape_timeout: '900ms',
      static_configs: [{ targets: apps.map((app) => app.metricsTarget) }],
    };
    if (bearerToken !== undefined) {
      const tokenFile = join(dir, `${job}.token`);
      await writeFile(tokenFile, bearerToken, { mode: 0o600 });
      config.authorization = { type: 'Bearer', credentials_file: tokenFile };
    }
    scrapeConfigs.push(config);
  }
  const config: Record<string, unknown> = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: scrapeConfigs,
  };
  if (alerting !== undefined) {
    // Rules evaluated every second, firing alerts sent to the given Alertmanager (host:port).
    config.rule_files = alerting.ruleFiles;
    config.alerting = { alertmanagers: [{ static_configs: [{ targets: [alerting.alertmanager] }] }] };
  }
  await writeFile(join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      // A firing alert evaluated before the Alertmanager target is discovered is sent again after this delay
      // (1 minute by default).
      ...(alerting === undefined ? [] : ['--rules.alert.resend-delay=1s']),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${String(child.exitCode)}:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      // not up yet
    }
    if (attempt >= 300) {
      await stop();
      throw new Error(`prometheus never became ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output: () => output,
    stop,
    async query(expression) {
      const response = await fetch(
        `${url}/api/v1/query?${new URLSearchParams({ query: expression }).toString()}`,
      );
      const answer = (await response.json()) as QueryAnswer;
      if (answer.status !== 'success' || answer.data === undefined) {
        throw new Error(`query ${expression} failed: ${answer.error ?? response.status}`);
      }
      return answer.data.result;
    },
  };
}
