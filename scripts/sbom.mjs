#!/usr/bin/env node
// `pnpm sbom:prod`: writes the CycloneDX SBOM (JSON) of what runs in production: the receiver, the worker, the
// archiver, the admin app and the CLI with their production dependencies (workspace packages included), read from
// pnpm-lock.yaml alone
// (pnpm's built-in `pnpm sbom --lockfile-only`), so it needs no install and describes exactly the locked versions.
//
//   node scripts/sbom.mjs                         every program -> sbom.cdx.json
//   node scripts/sbom.mjs --out <file>            elsewhere
//   node scripts/sbom.mjs --app worker --out f    one program (the Docker build writes each image's own)
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PROGRAMS = { receiver: 'apps', worker: 'apps', archiver: 'apps', admin: 'apps', cli: 'packages' };

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'sbom.cdx.json' }, app: { type: 'string', multiple: true } },
});
const apps = values.app ?? Object.keys(PROGRAMS);
const unknown = apps.filter((app) => !(app in PROGRAMS));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown program(s): ${unknown.join(', ')} (known: ${Object.keys(PROGRAMS).join(', ')})\n`,
  );
  process.exit(2);
}

const args = [
  'sbom',
  '--sbom-format',
  'cyclonedx',
  '--sbom-type',
  'application',
  '--prod',
  '--lockfile-only',
  ...apps.flatMap((app) => ['--filter', `@ripio-webhooks/${app}`]),
  '--out',
  resolve(process.cwd(), values.out),
];
const result = spawnSync('pnpm', args, { cwd: root, stdio: 'inherit' });
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
