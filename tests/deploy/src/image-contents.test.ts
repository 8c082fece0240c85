import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  LocalPostgresServer,
  LocalRedisServer,
  TEST_ADMIN_TOKEN,
  TEST_WEBHOOK_SECRET,
  uniquePrefix,
} from '@ripio-webhooks/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from './app-process.js';
import { findBinary, runCommand } from './binaries.js';
import { APPS, repoPath, repoRoot, type AppName } from './repo.js';

/**
 * No Docker engine runs here, so this checks what the Dockerfile's stages do, step by step: `pnpm deploy --prod`
 * per app (the build stage), then `node dist/main.js` from that folder alone (the runtime stage's CMD), and the
 * image's HEALTHCHECK script against it. The build stage's SBOM step runs too: every package of the folder is in it.
 */

/** `name@version` of every package a deployed folder holds (pnpm's `node_modules/.pnpm/<name>@<version>…`). */
function deployedPackages(appDir: string): string[] {
  return readdirSync(join(appDir, 'node_modules', '.pnpm'))
    .filter((entry) => entry.includes('@') && entry !== 'node_modules' && !entry.startsWith('lock'))
    .map((entry) => entry.replace(/_.*$/, '').replace(/\+/g, '/'))
    .filter((entry) => !entry.startsWith('@ripio-webhooks/'));
}

/** `name@version` of every component of a CycloneDX SBOM. */
function sbomPackages(file: string): Set<string> {
  const bom = JSON.parse(readFileSync(file, 'utf8')) as {
    components: { group?: string; name: string; version: string }[];
  };
  return new Set(
    bom.components.map((c) => `${c.group === undefined ? '' : `${c.group}/`}${c.name}@${c.version}`),
  );
}
describe('the image contents: pnpm deploy --prod per app, started alone', () => {
  const pnpm = findBinary('pnpm');
  if (pnpm === undefined) {
    console.warn('pnpm is not on PATH (npm test puts it there): skipping the image-contents check');
  }
  const dir = mkdtempSync(join(tmpdir(), 'ripio-image-'));
  const running: RunningApp[] = [];
  let redis: LocalRedisServer | undefined;
  let postgres: LocalPostgresServer | undefined;
  afterAll(async () => {
    await Promise.all(running.map((app) => app.stop()));
    await redis?.stop();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(pnpm === undefined)(
    'each app runs from its production-only folder and passes the health check',
    async () => {
      for (const app of APPS) {
        const deployed = await runCommand(
          pnpm ?? '',
          ['--filter', `@ripio-webhooks/${app}`, 'deploy', '--prod', join(dir, app)],
          {
            cwd: repoRoot,
            env: { ...process.env, CI: '1' },
          },
        );
        expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
        // Production dependencies only: no test or build tooling in the folder the image copies.
        const modules = readdirSync(join(dir, app, 'node_modules'));
        for (const devOnly of ['vitest', 'typescript', '@types', 'supertest']) {
          expect(modules).not.toContain(devOnly);
        }
        // The Dockerfile's SBOM step: the image's SBOM lists every package the image holds.
        const sbomFile = join(dir, app, 'sbom.cdx.json');
        const sbom = await runCommand(
          process.execPath,
          [repoPath('scripts', 'sbom.mjs'), '--app', app, '--out', sbomFile],
          { cwd: repoRoot, env: { ...process.env, CI: '1' } },
        );
        expect(sbom.code, sbom.stderr).toBe(0);
        const listed = sbomPackages(sbomFile);
        const held = deployedPackages(join(dir, app));
        expect(held.length).toBeGreaterThan(10);
        expect(
          held.filter((entry) => !listed.has(entry)),
          `${app}: in the image, not in its SBOM`,
        ).toEqual([]);
      }

      redis = await LocalRedisServer.start({ appendonly: false });
      postgres = await LocalPostgresServer.start();
      const shared = {
        REDIS_URL: redis.url,
        QUEUE_PREFIX: uniquePrefix('image'),
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      };
      const ports: Record<AppName, number> = {
        receiver: await freePort(),
        worker: await freePort(),
        archiver: await freePort(),
        admin: await freePort(),
      };
      const tokenFile = join(dir, 'admin_token');
      writeFileSync(tokenFile, `${TEST_ADMIN_TOKEN}\n`);
      const envOf: Record<AppName, Record<string, string>> = {
        receiver: {
          RIPIO_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
          INTAKE_PROOF_KEYS: 'image-test-intake-proof-key-0123456789',
          PORT: String(ports.receiver),
          HOST: '127.0.0.1',
          METRICS_PORT: '0',
        },
        worker: {
          METRICS_PORT: String(ports.worker),
          METRICS_HOST: '127.0.0.1',
          INTAKE_PROOF_KEYS: 'image-test-intake-proof-key-0123456789',
        },
        archiver: {
          EVENT_LOG: 'postgres',
          DATABASE_URL: postgres.url,
          EVENT_LOG_MIGRATE: 'true',
          METRICS_PORT: String(ports.archiver),
          METRICS_HOST: '127.0.0.1',
        },
        // The token from a file, as the compose secret hands it over.
        admin: { ADMIN_TOKEN_FILE: tokenFile, ADMIN_PORT: String(ports.admin) },
      };
      for (const app of APPS) {
        running.push(
          await startApp({
            app,
            label: `${app} (deployed)`,
            port: ports[app],
            appDir: join(dir, app),
            env: { ...shared, ...envOf[app] },
          }),
        );
        const health = await runCommand(
          process.execPath,
          [repoPath('deploy', 'docker', 'healthcheck.mjs'), app],
          {
            env: {
              PATH: process.env.PATH,
              PORT: String(ports.receiver),
              METRICS_PORT: String(app === 'archiver' ? ports.archiver : ports.worker),
              ADMIN_PORT: String(ports.admin),
            },
          },
        );
        expect(health.code, `${app}: ${health.stderr}`).toBe(0);
      }
      // And the health check fails when nothing answers.
      const down = await runCommand(
        process.execPath,
        [repoPath('deploy', 'docker', 'healthcheck.mjs'), 'worker'],
        {
          env: { PATH: process.env.PATH, METRICS_PORT: String(await freePort()) },
        },
      );
      expect(down.code).toBe(1);
    },
  );
});
