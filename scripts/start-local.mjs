#!/usr/bin/env node
// `npm start` ends here (bootstrap -> turbo run build -> this script): runs the whole service on this machine.
//
// 1. Finds a Redis: REDIS_URL if set; else a Redis answering PING on 127.0.0.1:6379; else `redis-server` from
//    PATH, started by this script with AOF into .data/redis (port 6390, or a free one); else explains the options.
// 2. Uses RIPIO_WEBHOOK_SECRETS and ADMIN_TOKEN from the environment, or generates them (and prints them), and
//    INTAKE_PROOF_KEYS likewise (generated, not printed: only the receiver and the workers get it).
// 3. Starts the receiver, two workers and the admin app from their dist/main.js, with prefixed logs, and waits
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
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const LOOPBACK = '127.0.0.1';
const HEALTH_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 45_000;
const colors = ['\x1b[36m', '\x1b[33m', '\x1b[35m', '\x1b[32m', '\x1b[34m'];
const useColor = process.stdout.isTTY === true && env.NO_COLOR === undefined;
const paint = (color, text) => (useColor ? `${color}${text}\x1b[0m` : text);
const bold = (text) => paint('\x1b[1m', text);

function say(text) {
  process.stdout.write(`${paint('\x1b[1m', '[start-local]')} ${text}\n`);
}
function fail(text) {
  process.stderr.write(`${paint('\x1b[31m', '[start-local]')} ${text}\n`);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------
// Small helpers: ports, PING, PATH lookup
// ---------------------------------------------------------------------------------------------------------------

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, LOOPBACK, () => server.close(() => resolve(true)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** RESP encoding of one command, so passwords with spaces survive. */
function resp(...parts) {
  return `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`;
}

/** True when a Redis at `url` answers PING with PONG (after AUTH when the URL carries credentials). */
function redisAnswers(url, timeoutMs = 1500) {
  let target;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  if (target.protocol !== 'redis:') return Promise.resolve(true); // rediss:// etc.: let the apps connect and report.
  return new Promise((resolve) => {
    const socket = createConnection({ host: target.hostname || LOOPBACK, port: Number(target.port || 6379) });
    let answer = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      const password = decodeURIComponent(target.password);
      const username = decodeURIComponent(target.username);
      if (password !== '') {
        socket.write(username === '' ? resp('AUTH', password) : resp('AUTH', username, password));
      }
      socket.write(resp('PING'));
    });
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('+PONG')) done(true);
      else if (answer.includes('-')) done(false);
    });
  });
}

function onPath(name) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes with prefixed logs
// ---------------------------------------------------------------------------------------------------------------

const children = []; // { label, child, exited: Promise<void>, role: 'app' | 'redis' }
let stopping = false;

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const QUIET_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service']);

/** A pino JSON line as `HH:MM:SS level message {other fields}`; any other line unchanged. */
function renderLine(line) {
  if (env.START_LOCAL_RAW_LOGS === '1' || !line.startsWith('{')) return line;
  try {
    const record = JSON.parse(line);
    const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '';
    const level = LEVELS[record.level] ?? String(record.level ?? '');
    const rest = Object.fromEntries(Object.entries(record).filter(([key]) => !QUIET_FIELDS.has(key)));
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    const shownLevel = level === 'error' || level === 'fatal' ? paint('\x1b[31m', level) : level;
    return `${time} ${shownLevel.padEnd(5)} ${record.msg ?? ''}${extra}`;
  } catch {
    return line;
  }
}

function pipeWithPrefix(stream, prefix, out) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) out.write(`${prefix} ${renderLine(line)}\n`);
  });
  stream.on('end', () => {
    if (pending !== '') out.write(`${prefix} ${renderLine(pending)}\n`);
  });
}

function startChild(label, role, command, args, childEnv) {
  const color = colors[children.length % colors.length];
  const prefix = paint(color, `[${label}]`.padEnd(12));
  // Own process group: Ctrl-C reaches only this script, which then stops the apps before Redis, in order.
  const child = spawn(command, args, {
    cwd: root,
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

let shutdownPromise;
function shutdown(code) {
  shutdownPromise ??= (async () => {
    stopping = true;
    const apps = children.filter((entry) => entry.role === 'app' && !entry.done);
    if (apps.length > 0) {
      say(`stopping ${apps.map((entry) => entry.label).join(', ')} (SIGTERM, waiting for them)`);
    }
    await Promise.all(apps.map(stopEntry));
    for (const entry of children.filter((candidate) => candidate.role === 'redis')) {
      say('stopping the redis-server this script started (its AOF keeps the data for the next run)');
      await stopEntry(entry);
    }
    say('stopped');
    process.exit(code);
  })();
  return shutdownPromise;
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// A closed terminal (SIGHUP) also stops everything in order, instead of leaving the apps and Redis behind.
process.on('SIGHUP', () => void shutdown(0));
// When whoever reads our output goes away (a pipe into `tee` that Ctrl-C ended), keep going: the shutdown matters
// more than its log lines.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

// ---------------------------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------------------------

const HOW_TO_GET_REDIS = `No Redis found. Any one of these works:
  1. REDIS_URL=redis://host:port npm start     (a Redis 7 you run; the apps use keys under QUEUE_PREFIX only)
  2. a Redis on 127.0.0.1:6379                   (e.g. docker run -d -p 127.0.0.1:6379:6379 redis:7)
  3. redis-server on PATH                        (apt-get install redis-server / brew install redis): this script
                                                 starts it with AOF into .data/redis and stops it on Ctrl-C`;

async function findRedis() {
  if (env.REDIS_URL !== undefined && env.REDIS_URL !== '') {
    if (!(await redisAnswers(env.REDIS_URL))) {
      fail(`REDIS_URL=${env.REDIS_URL} does not answer PING`);
      process.exit(1);
    }
    return { url: env.REDIS_URL, source: 'REDIS_URL' };
  }
  const shared = `redis://${LOOPBACK}:6379`;
  if (env.START_LOCAL_PROBE_REDIS !== '0' && (await redisAnswers(shared))) {
    return { url: shared, source: 'the Redis already running on 127.0.0.1:6379' };
  }
  const bin = onPath('redis-server');
  if (bin === undefined) {
    fail(HOW_TO_GET_REDIS);
    process.exit(1);
  }
  const port = (await portIsFree(6390)) ? 6390 : await freePort();
  const dir = join(env.START_LOCAL_DATA_DIR ?? join(root, '.data'), 'redis');
  mkdirSync(dir, { recursive: true });
  const resumed = existsSync(join(dir, 'appendonlydir'));
  startChild(
    'redis',
    'redis',
    bin,
    [
      '--port',
      String(port),
      '--bind',
      LOOPBACK,
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
      '--loglevel',
      'warning',
    ],
    { PATH: env.PATH ?? '' },
  );
  const url = `redis://${LOOPBACK}:${port}`;
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (await redisAnswers(url)) {
      return {
        url,
        source: `redis-server started here (AOF in ${dir}${resumed ? ', data of the last run reloaded' : ''})`,
      };
    }
    if (stopping) return await shutdownPromise;
    await sleep(100);
  }
  fail(`the redis-server started on port ${port} did not answer PING`);
  return await shutdown(1);
}

// ---------------------------------------------------------------------------------------------------------------
// The apps
// ---------------------------------------------------------------------------------------------------------------

async function waitHealthy(label, url, headers = {}) {
  const deadline = Date.now() + HEALTH_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (stopping) return await shutdownPromise;
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

function requirePort(name, value) {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`${name}=${value} is not a port`);
    process.exit(1);
  }
  return port;
}

async function main() {
  for (const path of ['apps/receiver', 'apps/worker', 'apps/admin', 'packages/cli']) {
    if (!existsSync(join(root, path, 'dist', 'main.js'))) {
      fail(`${path}/dist/main.js is missing: run "npm start" (it builds first) or "pnpm turbo run build"`);
      process.exit(1);
    }
  }
  const ports = {
    receiver: requirePort('PORT', env.PORT ?? '8080'),
    admin: requirePort('ADMIN_PORT', env.ADMIN_PORT ?? '8081'),
    worker1: requirePort('METRICS_PORT', env.METRICS_PORT ?? '9091'),
  };
  ports.worker2 = ports.worker1 + 1;
  const busy = [];
  for (const [name, variable] of [
    ['receiver', 'PORT'],
    ['admin', 'ADMIN_PORT'],
    ['worker1', 'METRICS_PORT'],
    ['worker2', 'METRICS_PORT'],
  ]) {
    if (!(await portIsFree(ports[name]))) busy.push(`${ports[name]} (${name}; set ${variable} to move it)`);
  }
  if (busy.length > 0) {
    fail(`ports already in use on 127.0.0.1: ${busy.join(', ')}`);
    process.exit(1);
  }

  const redis = await findRedis();
  const queuePrefix = env.QUEUE_PREFIX ?? 'ripio';
  // Random, well above the apps' 32-character minimum; a fixed local secret would be a weak one everywhere.
  const secrets = env.RIPIO_WEBHOOK_SECRETS ?? `whsec_local_${randomBytes(24).toString('hex')}`;
  const secret =
    secrets
      .split(',')
      .map((value) => value.trim())
      .find((value) => value !== '') ?? secrets;
  const adminToken = env.ADMIN_TOKEN ?? randomBytes(32).toString('hex');
  // The key of the proof the receiver puts on every job and the workers check: theirs alone.
  const intakeProof = { INTAKE_PROOF_KEYS: env.INTAKE_PROOF_KEYS ?? randomBytes(32).toString('hex') };

  const common = {
    ...env,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
    RIPIO_WEBHOOK_SECRETS: secrets,
    ADMIN_TOKEN: adminToken,
  };
  const node = process.execPath;
  const main = (app) => [join(root, 'apps', app, 'dist', 'main.js')];
  startChild('receiver', 'app', node, main('receiver'), {
    ...common,
    ...intakeProof,
    PORT: String(ports.receiver),
    HOST: LOOPBACK,
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
  startChild('admin', 'app', node, main('admin'), {
    ...common,
    ADMIN_PORT: String(ports.admin),
    ADMIN_HOST: LOOPBACK,
  });

  const base = (port) => `http://${LOOPBACK}:${port}`;
  await Promise.all([
    waitHealthy('receiver', `${base(ports.receiver)}/readyz`),
    waitHealthy('worker-1', `${base(ports.worker1)}/healthz`),
    waitHealthy('worker-2', `${base(ports.worker2)}/healthz`),
    waitHealthy('admin', `${base(ports.admin)}/healthz`),
  ]);

  const webhookUrl = `${base(ports.receiver)}/webhooks/ripio`;
  const cli = onPath('pnpm') !== undefined ? 'pnpm ripio-webhooks' : 'npm run ripio-webhooks --';
  const quote = (value) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`);
  const lines = [
    '',
    bold('ripio-webhooks is running'),
    `  Redis        ${redis.url}  (${redis.source}; key prefix "${queuePrefix}")`,
    `  webhook URL  ${webhookUrl}`,
    `  secret       ${secret}${env.RIPIO_WEBHOOK_SECRETS === undefined ? '   (generated; set RIPIO_WEBHOOK_SECRETS to choose)' : ''}`,
    `  admin        ${base(ports.admin)}/`,
    `  admin token  ${adminToken}${env.ADMIN_TOKEN === undefined ? '   (generated; set ADMIN_TOKEN to choose)' : ''}`,
    `  metrics      ${base(ports.receiver)}/metrics  ${base(ports.worker1)}/metrics  ${base(ports.worker2)}/metrics`,
    `               ${base(ports.admin)}/metrics  (Authorization: Bearer <admin token>)`,
    '',
    bold('Try it, in another terminal:'),
    `  ${cli} simulate --url ${webhookUrl} --secret ${quote(secret)} --entities 200 --expect-out /tmp/expected.json`,
    bold('Then check that every entity reached its expected status:'),
    `  ${cli} stats --admin-url ${base(ports.admin)} --token ${quote(adminToken)}`,
    `  ${cli} entity get <kind> <id> --admin-url ${base(ports.admin)} --token ${quote(adminToken)}   (kinds and ids: /tmp/expected.json)`,
    '',
    'Ctrl-C stops everything gracefully.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
  void shutdown(1);
});
