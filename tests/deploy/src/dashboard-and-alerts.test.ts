import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { findBinary, missingBinaryMessage, runCommand } from './binaries.js';
import { entryOfSeries, metricNamesIn, parseCatalogue } from './catalogue.js';
import { readRepoFile, repoPath } from './repo.js';

const catalogue = parseCatalogue(readRepoFile('docs', 'metrics.md'));

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list?: { name?: string; type?: string; query?: string }[] };
}
interface AlertRule {
  alert?: string;
  record?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const dashboard = JSON.parse(
  readRepoFile('deploy', 'grafana', 'dashboards', 'ripio-webhooks.json'),
) as Dashboard;
const panels = (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const queryPanels = panels.filter((panel) => panel.type !== 'row');
const alertRules = (
  parse(readRepoFile('deploy', 'prometheus', 'alerts.yml')) as {
    groups: { name: string; rules: AlertRule[] }[];
  }
).groups.flatMap((group) => group.rules);

function unknownNames(expression: string): string[] {
  return metricNamesIn(expression).filter((name) => entryOfSeries(catalogue, name) === undefined);
}

describe('the metrics catalogue (docs/metrics.md)', () => {
  it('lists the application metrics of every app, each with a type and an exporter', () => {
    expect(catalogue.size).toBeGreaterThan(20);
    for (const name of [
      'ripio_intake_requests_total',
      'ripio_events_processed_total',
      'ripio_queue_jobs',
      'ripio_replays_total',
    ]) {
      expect(catalogue.get(name), name).toBeDefined();
    }
    expect(catalogue.get('ripio_queue_jobs')?.exporters).toEqual([
      { app: 'admin', onlyWith: undefined },
      { app: 'worker', onlyWith: 'EXPORT_QUEUE_GAUGES' },
    ]);
    expect(catalogue.get('ripio_events_processed_total')?.labels).toEqual([
      'family',
      'event_type',
      'outcome',
    ]);
  });
});

describe('Grafana dashboard', () => {
  it('is a provisionable dashboard with a Prometheus datasource variable', () => {
    expect(dashboard.uid).toBe('ripio-webhooks');
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating?.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
  });

  it('has unique panel ids, queries through the variable, and panels that fit and do not overlap', () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const boxes: { title: string; x: number; y: number; w: number; h: number }[] = [];
    for (const panel of panels) {
      const grid = panel.gridPos;
      expect(grid, panel.title).toBeDefined();
      if (grid === undefined) continue;
      expect(grid.x + grid.w, panel.title).toBeLessThanOrEqual(24);
      for (const other of boxes) {
        const overlaps =
          grid.x < other.x + other.w &&
          other.x < grid.x + grid.w &&
          grid.y < other.y + other.h &&
          other.y < grid.y + grid.h;
        expect(overlaps, `${panel.title ?? ''} overlaps ${other.title}`).toBe(false);
      }
      boxes.push({ title: panel.title ?? '', ...grid });
    }
    for (const panel of queryPanels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      const targets = panel.targets ?? [];
      expect(targets.length, panel.title).toBeGreaterThan(0);
      expect(new Set(targets.map((target) => target.refId)).size).toBe(targets.length);
      for (const target of targets) expect(target.expr, panel.title).toMatch(/\S/);
    }
  });

  it('queries only catalogued metrics', () => {
    for (const panel of queryPanels) {
      for (const target of panel.targets ?? []) {
        expect(unknownNames(target.expr ?? ''), `${panel.title ?? ''}: ${target.expr ?? ''}`).toEqual([]);
      }
    }
  });

  it('shows what the operators asked for', () => {
    const used = new Set(
      queryPanels.flatMap((panel) =>
        (panel.targets ?? []).flatMap((target) =>
          metricNamesIn(target.expr ?? '').map((name) => entryOfSeries(catalogue, name)?.name),
        ),
      ),
    );
    for (const name of [
      'ripio_intake_requests_total', // intake rate and answers by status
      'ripio_signature_failures_total',
      'ripio_intake_ack_duration_seconds', // ack latency p50 / p99
      'ripio_queue_jobs', // backlog
      'ripio_queue_oldest_waiting_age_seconds',
      'ripio_events_processed_total', // processing rate by outcome
      'ripio_event_lag_seconds', // lag from issueDatetime
      'ripio_retries_total',
      'ripio_dead_letter_size', // DLQ size by reason
      'ripio_conflicts_total',
      'ripio_worker_up', // worker count
      'ripio_redis_used_memory_bytes',
    ]) {
      expect(used.has(name), name).toBe(true);
    }
  });
});

describe('Prometheus alert rules', () => {
  it('cover DLQ growth, backlog age, signature failures, 503 answers, dead workers, unsigned jobs and Redis memory', () => {
    const names = alertRules.map((rule) => rule.alert);
    for (const name of [
      'RipioDeadLetterGrowing',
      'RipioBacklogTooOld',
      'RipioSignatureFailureSpike',
      'RipioReceiverUnavailable',
      'RipioNoWorkerAlive',
      'RipioUnsignedJob',
      'RipioRedisMemoryHigh',
    ]) {
      expect(names).toContain(name);
    }
    for (const rule of alertRules) {
      expect(rule.expr, rule.alert).toMatch(/\S/);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
    }
    expect(alertRules.find((rule) => rule.alert === 'RipioNoWorkerAlive')?.expr).toContain('ripio_worker_up');
    const memory = alertRules.filter((rule) => rule.alert === 'RipioRedisMemoryHigh');
    expect(memory.map((rule) => rule.labels?.severity)).toEqual(['warning', 'critical']);
    for (const rule of memory) expect(rule.expr).toContain('ripio_redis_maxmemory_bytes > 0');
  });

  it('query only catalogued metrics', () => {
    for (const rule of alertRules) {
      expect(metricNamesIn(rule.expr ?? '').length, rule.alert).toBeGreaterThan(0);
      expect(unknownNames(rule.expr ?? ''), rule.alert).toEqual([]);
    }
  });
});

describe('promtool (Debian package prometheus)', () => {
  const promtool = findBinary('promtool');
  if (promtool === undefined) console.warn(missingBinaryMessage('promtool', 'prometheus'));
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(promtool === undefined)('check rules: the alert rules are valid', async () => {
    const result = await runCommand(promtool ?? '', [
      'check',
      'rules',
      repoPath('deploy', 'prometheus', 'alerts.yml'),
    ]);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it.skipIf(promtool === undefined)(
    'test rules: each alert fires on made-up series, and stays quiet before',
    async () => {
      const file = repoPath('deploy', 'prometheus', 'alerts.test.yml');
      const result = await runCommand(promtool ?? '', ['test', 'rules', file]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const cases = (
        parse(readFileSync(file, 'utf8')) as {
          tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
        }
      ).tests.flatMap((test) => test.alert_rule_test);
      for (const rule of alertRules) {
        const mine = cases.filter((check) => check.alertname === rule.alert);
        expect(
          mine.some((check) => check.exp_alerts.length > 0),
          `a case where ${rule.alert ?? ''} fires`,
        ).toBe(true);
        expect(
          mine.some((check) => check.exp_alerts.length === 0),
          `a case where ${rule.alert ?? ''} is quiet`,
        ).toBe(true);
      }
    },
  );

  it.skipIf(promtool === undefined)(
    'check config: the compose scrape config is valid, with its rule file',
    async () => {
      const syntax = await runCommand(promtool ?? '', [
        'check',
        'config',
        '--syntax-only',
        repoPath('deploy', 'prometheus', 'prometheus.yml'),
      ]);
      expect(syntax.code, syntax.stdout + syntax.stderr).toBe(0);
      // The full check also opens the referenced files: the token file exists only inside the container, so check a
      // copy whose credentials_file points at a temporary one.
      const dir = mkdtempSync(join(tmpdir(), 'ripio-promtool-'));
      dirs.push(dir);
      const config = readFileSync(repoPath('deploy', 'prometheus', 'prometheus.yml'), 'utf8');
      expect(config).toContain('credentials_file: /run/secrets/admin_token');
      writeFileSync(join(dir, 'token'), 'test-token');
      writeFileSync(
        join(dir, 'prometheus.yml'),
        config.replace('/run/secrets/admin_token', join(dir, 'token')),
      );
      copyFileSync(repoPath('deploy', 'prometheus', 'alerts.yml'), join(dir, 'alerts.yml'));
      const full = await runCommand(promtool ?? '', ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(full.code, full.stdout + full.stderr).toBe(0);
      expect(full.stdout + full.stderr).toContain(`${alertRules.length} rules found`);
    },
  );
});
