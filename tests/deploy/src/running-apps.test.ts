import { randomBytes } from 'node:crypto';
import { signRipioBody } from '@ripio-webhooks/core';
import { ENTITY_KINDS, EVENT_TYPES, FAMILIES, sampleEvent, toRipioJson } from '@ripio-webhooks/schemas';
import {
  freePort,
  LocalPostgresServer,
  LocalRedisServer,
  TEST_ADMIN_TOKEN,
  TEST_WEBHOOK_SECRET,
  uniquePrefix,
} from '@ripio-webhooks/test-support';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape, startApp, type RunningApp } from './app-process.js';
import { findBinary, missingBinaryMessage } from './binaries.js';
import { eventually } from './eventually.js';
import { entryOfSeries, expectedNamesFor, metricNamesIn, parseCatalogue } from './catalogue.js';
import { parseExposition, type Exposition } from './exposition.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';
import { readRepoFile } from './repo.js';

const catalogue = parseCatalogue(readRepoFile('docs', 'metrics.md'));
const secret = TEST_WEBHOOK_SECRET;
const adminToken = TEST_ADMIN_TOKEN;
/** The receiver's and the workers' INTAKE_PROOF_KEYS (the admin app never holds it). */
const intakeProof = { INTAKE_PROOF_KEYS: randomBytes(32).toString('hex') };

/** Every PromQL expression of the dashboard and the alert rules. */
function dashboardAndAlertExpressions(): { where: string; expr: string }[] {
  const dashboard = JSON.parse(readRepoFile('deploy', 'grafana', 'dashboards', 'ripio-webhooks.json')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  const alerts = parse(readRepoFile('deploy', 'prometheus', 'alerts.yml')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  return [
    ...dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ where: panel.title, expr: target.expr })),
    ),
    ...alerts.groups.flatMap((group) => group.rules.map((rule) => ({ where: rule.alert, expr: rule.expr }))),
  ];
}

function sumOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  return exposition.samples
    .filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((total, sample) => total + sample.value, 0);
}

describe('the running apps (receiver, two workers, archiver, admin) on a real Redis', () => {
  let redis: LocalRedisServer | undefined;
  let postgres: LocalPostgresServer | undefined;
  let archiver: RunningApp;
  const apps: RunningApp[] = [];
  let receiver: RunningApp;
  let worker: RunningApp;
  let gaugeWorker: RunningApp;
  let admin: RunningApp;

  beforeAll(async () => {
    redis = await LocalRedisServer.start({ appendonly: false });
    postgres = await LocalPostgresServer.start();
    const shared = { REDIS_URL: redis.url, QUEUE_PREFIX: uniquePrefix('deploy'), LOG_LEVEL: 'warn' };
    const [receiverPort, receiverMetricsPort, workerPort, gaugeWorkerPort, adminPort, archiverPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const start = async (options: Parameters<typeof startApp>[0]): Promise<RunningApp> => {
      const app = await startApp(options);
      apps.push(app);
      return app;
    };
    const eventLog = { EVENT_LOG: 'postgres', DATABASE_URL: postgres.url };
    archiver = await start({
      app: 'archiver',
      label: 'archiver',
      port: archiverPort,
      env: { ...shared, ...eventLog, EVENT_LOG_MIGRATE: 'true', METRICS_PORT: String(archiverPort) },
    });
    [receiver, worker, gaugeWorker, admin] = await Promise.all([
      start({
        app: 'receiver',
        label: 'receiver',
        port: receiverPort,
        metricsPort: receiverMetricsPort,
        env: {
          ...shared,
          ...intakeProof,
          RIPIO_WEBHOOK_SECRETS: secret,
          PORT: String(receiverPort),
          HOST: '127.0.0.1',
          METRICS_PORT: String(receiverMetricsPort),
          METRICS_HOST: '127.0.0.1',
        },
      }),
      start({
        app: 'worker',
        label: 'worker',
        port: workerPort,
        env: { ...shared, ...intakeProof, METRICS_PORT: String(workerPort), METRICS_HOST: '127.0.0.1' },
      }),
      start({
        app: 'worker',
        label: 'worker with EXPORT_QUEUE_GAUGES=true',
        port: gaugeWorkerPort,
        env: {
          ...shared,
          ...intakeProof,
          METRICS_PORT: String(gaugeWorkerPort),
          METRICS_HOST: '127.0.0.1',
          EXPORT_QUEUE_GAUGES: 'true',
        },
      }),
      start({
        app: 'admin',
        label: 'admin',
        port: adminPort,
        env: { ...shared, ADMIN_TOKEN: adminToken, ADMIN_PORT: String(adminPort), ADMIN_HOST: '127.0.0.1' },
        scrapeHeaders: { authorization: `Bearer ${adminToken}` },
      }),
    ]);

    // One signed event through the front door, so the labelled series of intake and processing exist.
    const body = toRipioJson(
      sampleEvent('ACCOUNT.CLOSED', {
        entityId: `deploy-${randomBytes(4).toString('hex')}`,
        issueDatetime: new Date().toISOString(),
      }),
    );
    const answer = await fetch(`http://127.0.0.1:${receiverPort}/webhooks/ripio`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wh-signature-256': signRipioBody(body, secret) },
      body,
    });
    expect(answer.status).toBe(202);
    await eventually('the event to be processed by a worker', async () => {
      const processed = [await scrape(worker), await scrape(gaugeWorker)]
        .map((text) => sumOf(parseExposition(text), 'ripio_events_processed_total'))
        .reduce((a, b) => a + b, 0);
      return processed >= 1 ? processed : undefined;
    });
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await redis?.stop();
    await postgres?.stop();
  });

  function cases(): [string, RunningApp, 'receiver' | 'worker' | 'archiver' | 'admin', Set<string>][] {
    return [
      ['receiver', receiver, 'receiver', new Set()],
      ['worker', worker, 'worker', new Set()],
      ['worker with EXPORT_QUEUE_GAUGES=true', gaugeWorker, 'worker', new Set(['EXPORT_QUEUE_GAUGES'])],
      ['archiver', archiver, 'archiver', new Set()],
      ['admin', admin, 'admin', new Set()],
    ];
  }

  it('each app exports exactly the metrics docs/metrics.md lists for it, with the listed types', async () => {
    for (const [label, app, name, flags] of cases()) {
      const exposition = parseExposition(await scrape(app));
      const exported = new Set(exposition.types.keys());
      const expected = expectedNamesFor(catalogue, name, flags);
      const missing = [...expected].filter((metric) => !exported.has(metric));
      const undocumented = [...exported].filter((metric) => !expected.has(metric));
      expect(missing, `${label}: listed in docs/metrics.md but not exported`).toEqual([]);
      expect(undocumented, `${label}: exported but not listed for it in docs/metrics.md`).toEqual([]);
      for (const [metric, type] of exposition.types) {
        expect(`${metric} ${type}`).toBe(`${metric} ${catalogue.get(metric)?.type ?? '?'}`);
      }
    }
  });

  it('every series carries only catalogued labels, with bounded values', async () => {
    const eventTypes = new Set<string>([...EVENT_TYPES, 'unknown']);
    const families = new Set<string>([...FAMILIES, 'unknown']);
    const kinds = new Set<string>(ENTITY_KINDS);
    for (const [label, app] of cases()) {
      for (const sample of parseExposition(await scrape(app)).samples) {
        const entry = entryOfSeries(catalogue, sample.name);
        expect(entry, `${label}: ${sample.name}`).toBeDefined();
        const allowed = new Set([...(entry?.labels ?? []), ...(entry?.type === 'histogram' ? ['le'] : [])]);
        for (const key of Object.keys(sample.labels)) {
          expect(allowed.has(key), `${label}: ${sample.name}{${key}}`).toBe(true);
        }
        if (sample.labels.event_type !== undefined) {
          expect(eventTypes.has(sample.labels.event_type)).toBe(true);
        }
        if (sample.labels.family !== undefined) expect(families.has(sample.labels.family)).toBe(true);
        if (sample.labels.kind !== undefined && entry?.name !== 'ripio_nodejs_gc_duration_seconds') {
          expect(kinds.has(sample.labels.kind), `${sample.name} kind=${sample.labels.kind}`).toBe(true);
        }
      }
    }
  });

  it('the event shows up in the labelled series of the receiver and the workers', async () => {
    const intake = parseExposition(await scrape(receiver));
    expect(sumOf(intake, 'ripio_intake_requests_total', { outcome: 'accepted' })).toBe(1);
    expect(sumOf(intake, 'ripio_intake_events_total', { event_type: 'ACCOUNT.CLOSED' })).toBe(1);
    expect(sumOf(intake, 'ripio_intake_ack_duration_seconds_count', { outcome: 'accepted' })).toBe(1);
    const workers = [parseExposition(await scrape(worker)), parseExposition(await scrape(gaugeWorker))];
    const applied = workers.map((exposition) =>
      sumOf(exposition, 'ripio_events_processed_total', {
        family: 'account',
        event_type: 'ACCOUNT.CLOSED',
        outcome: 'applied',
      }),
    );
    expect(applied.reduce((a, b) => a + b, 0)).toBe(1);
    for (const exposition of workers) expect(sumOf(exposition, 'ripio_worker_up')).toBe(1);
    const queue = parseExposition(await scrape(admin));
    expect(
      queue.samples.some((sample) => sample.name === 'ripio_queue_jobs' && sample.labels.queue === 'events'),
    ).toBe(true);
  });

  it('every metric the dashboard and the alert rules query is exported by a running app', async () => {
    const exported = new Set<string>();
    for (const [, app] of cases()) {
      for (const name of parseExposition(await scrape(app)).types.keys()) exported.add(name);
    }
    for (const { where, expr } of dashboardAndAlertExpressions()) {
      for (const name of metricNamesIn(expr)) {
        const family = entryOfSeries(catalogue, name)?.name ?? name;
        expect(exported.has(family), `${where}: ${name}`).toBe(true);
      }
    }
  });

  describe('a real Prometheus scraping them (Debian package prometheus)', () => {
    const binary = findBinary('prometheus');
    if (binary === undefined) console.warn(missingBinaryMessage('prometheus', 'prometheus'));
    let prometheus: PrometheusServer | undefined;

    beforeAll(async () => {
      if (binary === undefined) return;
      prometheus = await startPrometheus(binary, [
        { job: 'receiver', apps: [receiver] },
        { job: 'worker', apps: [worker, gaugeWorker] },
        { job: 'archiver', apps: [archiver] },
        { job: 'admin', apps: [admin], bearerToken: adminToken },
      ]);
    });
    afterAll(async () => {
      await prometheus?.stop();
    });

    it.skipIf(binary === undefined)(
      'scrapes every app and answers queries for a series of each',
      async () => {
        const server = prometheus;
        if (server === undefined) throw new Error('prometheus did not start');
        await eventually('all five targets up', async () => {
          const up = await server.query('up');
          return up.length === 5 && up.every((series) => series.value[1] === '1') ? up : undefined;
        });
        const accepted = await server.query(
          'ripio_intake_requests_total{job="receiver", outcome="accepted"}',
        );
        expect(accepted.map((series) => series.value[1])).toEqual(['1']);
        const workers = await server.query('sum(ripio_worker_up{job="worker"})');
        expect(workers.map((series) => series.value[1])).toEqual(['2']);
        const applied = await server.query(
          'sum(ripio_events_processed_total{job="worker", outcome="applied"})',
        );
        expect(applied.map((series) => series.value[1])).toEqual(['1']);
        const backlog = await server.query('ripio_queue_jobs{job="admin", queue="events", state="waiting"}');
        expect(backlog).toHaveLength(1);
        const replays = await server.query('ripio_replays_total{job="admin"}');
        expect(replays.length).toBeGreaterThan(0);
        // The no-worker alert is quiet while workers run.
        expect(await server.query('absent(ripio_worker_up == 1)')).toEqual([]);
      },
    );

    it.skipIf(binary === undefined)('accepts every dashboard and alert expression', async () => {
      const server = prometheus;
      if (server === undefined) throw new Error('prometheus did not start');
      for (const { where, expr } of dashboardAndAlertExpressions()) {
        await expect(server.query(expr.replaceAll('$__rate_interval', '1m')), where).resolves.toBeDefined();
      }
    });
  });
});
