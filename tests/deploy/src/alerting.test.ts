import { createServer, type Server } from 'node:http';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPOSE_SINK_URL, startAlertSink, startAlertmanager, type LoopbackProcess } from './alert-chain.js';
import { findBinary, missingBinaryMessage, runCommand } from './binaries.js';
import { portsOf, readComposeFile } from './compose-file.js';
import { eventually } from './eventually.js';
import { markdownLinkProblems } from './markdown-links.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';
import { readRepoFile, repoPath } from './repo.js';

interface AlertRule {
  alert?: string;
  annotations?: Record<string, string>;
}
interface Delivery {
  channel: string;
  status: string;
  title: string;
  link: string;
  text: string;
}

const alertsFile = repoPath('deploy', 'prometheus', 'alerts.yml');
const alertRules = (parse(readFileSync(alertsFile, 'utf8')) as { groups: { rules: AlertRule[] }[] }).groups
  .flatMap((group) => group.rules)
  .filter((rule) => rule.alert !== undefined);
const alertmanagerConfig = repoPath('deploy', 'alertmanager', 'alertmanager.yml');

describe('every alert links its runbook and a console page', () => {
  const root = mkdtempSync(join(tmpdir(), 'ripio-runbooks-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runbook_url names a heading of docs/operations.md; console_path is a path of the admin app', async () => {
    expect(alertRules.length).toBeGreaterThan(10);
    const links: string[] = [];
    for (const rule of alertRules) {
      const runbook = rule.annotations?.runbook_url ?? '';
      expect(runbook, rule.alert).toMatch(/^docs\/operations\.md#[a-z0-9-]+$/);
      expect(rule.annotations?.console_path, rule.alert).toMatch(/^\//);
      links.push(`- [${rule.alert ?? ''}](${runbook})`);
    }
    // The same link check as the docs' own: a copy of operations.md, and a page linking each runbook anchor.
    mkdirSync(join(root, 'docs'));
    cpSync(repoPath('docs', 'operations.md'), join(root, 'docs', 'operations.md'));
    writeFileSync(join(root, 'runbooks.md'), `# Runbooks\n\n${links.join('\n')}\n`);
    expect(await markdownLinkProblems(root, ['runbooks.md'])).toEqual([]);
    // The check has teeth: an anchor that is not a heading is reported.
    writeFileSync(join(root, 'runbooks.md'), '# Runbooks\n\n[gone](docs/operations.md#ripionosuchalert)\n');
    expect(await markdownLinkProblems(root, ['runbooks.md'])).toHaveLength(1);
  });
});

describe('Alertmanager wiring in docker-compose.yml', () => {
  const { compose } = readComposeFile();

  it('Prometheus sends to the alertmanager service, whose receivers post to the alert-sink service', () => {
    const prometheus = parse(readRepoFile('deploy', 'prometheus', 'prometheus.yml')) as {
      alerting?: { alertmanagers?: { static_configs?: { targets?: string[] }[] }[] };
    };
    expect(prometheus.alerting?.alertmanagers?.[0]?.static_configs?.[0]?.targets).toEqual([
      'alertmanager:9093',
    ]);
    const alertmanager = compose.services.alertmanager;
    expect(alertmanager?.volumes).toContain('./deploy/alertmanager:/etc/alertmanager:ro');
    expect(portsOf(alertmanager ?? {}).map((port) => port.target)).toEqual([9093]);
    expect(compose.services.prometheus?.depends_on).toMatchObject({
      alertmanager: { condition: 'service_healthy' },
    });
    const sink = compose.services['alert-sink'];
    expect(sink?.volumes).toContain('./deploy/alert-sink:/opt/alert-sink:ro');
    expect(portsOf(sink ?? {}).map((port) => port.target)).toEqual([Number(new URL(COMPOSE_SINK_URL).port)]);
    const receivers = (
      parse(readFileSync(alertmanagerConfig, 'utf8')) as {
        receivers: { name: string; slack_configs?: { api_url: string }[] }[];
      }
    ).receivers;
    for (const receiver of receivers) {
      for (const slack of receiver.slack_configs ?? []) {
        expect(slack.api_url).toBe(`${COMPOSE_SINK_URL}/slack/${receiver.name}`);
      }
    }
  });
});

describe('amtool (Debian package prometheus-alertmanager)', () => {
  const amtool = findBinary('amtool');
  if (amtool === undefined) console.warn(missingBinaryMessage('amtool', 'prometheus-alertmanager'));

  it.skipIf(amtool === undefined)('check-config: the config and its template are valid', async () => {
    const result = await runCommand(amtool ?? '', ['check-config', alertmanagerConfig]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('1 templates');
    expect(result.stdout).toContain('SUCCESS');
  });

  it.skipIf(amtool === undefined)('routes critical alerts to the page, the rest to tickets', async () => {
    const route = async (...labels: string[]): Promise<string> => {
      const result = await runCommand(amtool ?? '', [
        'config',
        'routes',
        'test',
        `--config.file=${alertmanagerConfig}`,
        ...labels,
      ]);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.trim();
    };
    expect(await route('alertname=RipioNoWorkerAlive', 'severity=critical')).toBe('on-call-page');
    expect(await route('alertname=RipioBacklogTooOld', 'severity=warning', 'state=delayed')).toBe(
      'on-call-tickets',
    );
    expect(await route('alertname=SomethingElse')).toBe('on-call-tickets');
  });
});

/** Serves a fixed Prometheus exposition on a free loopback port (stands in for the apps' /metrics). */
async function serveMetrics(text: string): Promise<{ target: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { target: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('a real alert: Prometheus -> Alertmanager -> the alert sink, on loopback', () => {
  const prometheusBinary = findBinary('prometheus');
  const alertmanagerBinary = findBinary('prometheus-alertmanager') ?? findBinary('alertmanager');
  if (prometheusBinary === undefined) console.warn(missingBinaryMessage('prometheus', 'prometheus'));
  if (alertmanagerBinary === undefined) {
    console.warn(missingBinaryMessage('prometheus-alertmanager', 'prometheus-alertmanager'));
  }
  const started: { stop(): Promise<void> }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ripio-alert-chain-'));
  afterAll(async () => {
    for (const part of started.reverse()) await part.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(prometheusBinary === undefined || alertmanagerBinary === undefined)(
    'an entity held too long and no worker alive: each alert arrives, rendered, on its severity route',
    async () => {
      const id = `alert-chain-${Date.now()}`;
      const eventKey = `off-ramp|${id}|OFF-RAMP.DEPOSIT.RECEIVED`;
      // The series the admin app and a worker would export during such an incident.
      const metrics = await serveMetrics(
        [
          `ripio_oldest_hold_age_seconds{kind="off-ramp",entity_id="${id}",event_key="${eventKey}"} 1000`,
          'ripio_worker_up 0',
          'ripio_queue_jobs{queue="events",state="waiting"} 0',
          '',
        ].join('\n'),
      );
      started.push({
        stop: () => new Promise<void>((resolve) => metrics.server.close(() => resolve())),
      });
      const sink: LoopbackProcess = await startAlertSink();
      started.push(sink);
      const alertmanager = await startAlertmanager(alertmanagerBinary ?? '', sink.url);
      started.push(alertmanager);
      // The rules as shipped, but firing at once instead of after their `for:` (minutes).
      const rules = join(dir, 'alerts.yml');
      writeFileSync(rules, readFileSync(alertsFile, 'utf8').replace(/^(\s+for: )\S+$/gm, '$10s'));
      const prometheus: PrometheusServer = await startPrometheus(
        prometheusBinary ?? '',
        [{ job: 'incident', apps: [{ metricsTarget: metrics.target }] }],
        { ruleFiles: [rules], alertmanager: new URL(alertmanager.url).host },
      );
      started.push(prometheus);

      const deliveries = async (): Promise<Delivery[]> =>
        ((await (await fetch(`${sink.url}/alerts`)).json()) as { deliveries: Delivery[] }).deliveries;
      const arrived = await eventually(
        'both alerts delivered to the sink',
        async () => {
          const all = await deliveries();
          const held = all.find((delivery) => delivery.title.includes('RipioEntityOnHold'));
          const page = all.find((delivery) => delivery.title.includes('RipioNoWorkerAlive'));
          return held !== undefined && page !== undefined ? { held, page } : undefined;
        },
        900,
      );

      expect(arrived.page).toMatchObject({
        channel: 'on-call-page',
        status: 'firing',
        title: '[FIRING:1] RipioNoWorkerAlive (critical)',
        link: 'http://127.0.0.1:8081/',
      });
      expect(arrived.page.text).toContain('No worker is consuming webhook events');
      expect(arrived.page.text).toContain('runbook: docs/operations.md#ripionoworkeralive');
      // The warning went to the other route, carrying the event key, the entity and the console page of it.
      expect(arrived.held).toMatchObject({
        channel: 'on-call-tickets',
        title: '[FIRING:1] RipioEntityOnHold (warning)',
        link: `http://127.0.0.1:8081/#entity/off-ramp/${id}`,
      });
      expect(arrived.held.text).toContain(`event key: ${eventKey}`);
      expect(arrived.held.text).toContain(`entity: off-ramp ${id}`);
      expect(arrived.held.text).toContain(`console: http://127.0.0.1:8081/#entity/off-ramp/${id}`);
      expect(arrived.held.text).toContain('runbook: docs/operations.md#ripioentityonhold');
      expect(arrived.held.text).toContain(`off-ramp ${id} waits behind event ${eventKey}`);
      // A newcomer sees them in the sink's log and on its page.
      expect(sink.output()).toContain('on-call-tickets: [FIRING:1] RipioEntityOnHold (warning)');
      expect(sink.output()).toContain(`event key: ${eventKey}`);
      const page = await (await fetch(sink.url)).text();
      expect(page).toContain('[FIRING:1] RipioNoWorkerAlive (critical)');
      expect(page).toContain(`href="http://127.0.0.1:8081/#entity/off-ramp/${id}"`);
      // Only these two fired: the rules stay quiet for series that look healthy.
      const firing = await prometheus.query('ALERTS{alertstate="firing"}');
      expect(firing.map((series) => series.metric.alertname).sort()).toEqual([
        'RipioEntityOnHold',
        'RipioNoWorkerAlive',
      ]);
    },
  );
});
