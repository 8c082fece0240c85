import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { findBinary, runCommand } from './binaries.js';
import { readRepoFile, repoRoot } from './repo.js';

interface Bom {
  bomFormat: string;
  specVersion: string;
  metadata: { component: { name: string; type: string } };
  components: { name: string; group?: string; version: string; purl: string }[];
}

const dir = mkdtempSync(join(tmpdir(), 'ripio-sbom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The version of a package pnpm-lock.yaml locks (the first `name@version` key of its packages). */
function lockedVersion(name: string): string | undefined {
  const lock = parse(readRepoFile('pnpm-lock.yaml')) as { packages: Record<string, unknown> };
  const key = Object.keys(lock.packages).find((candidate) => candidate.startsWith(`${name}@`));
  return key?.slice(name.length + 1).replace(/\(.*$/, '');
}

const pnpm = findBinary('pnpm');

describe('pnpm sbom:prod, the CycloneDX SBOM of the production dependencies', () => {
  it.skipIf(pnpm === undefined)(
    'writes a CycloneDX 1.7 JSON document that the schema validates',
    async () => {
      const file = join(dir, 'sbom.cdx.json');
      const result = await runCommand(pnpm ?? 'pnpm', ['run', 'sbom:prod', '--out', file], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH },
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const text = readFileSync(file, 'utf8');

      // The CycloneDX library's own validator, against the spec's strict JSON schema.
      const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot7);
      expect(await validator.validate(text)).toBeNull();

      const bom = JSON.parse(text) as Bom;
      expect([bom.bomFormat, bom.specVersion]).toEqual(['CycloneDX', '1.7']);
      expect(bom.metadata.component.type).toBe('application');
      const names = new Set(
        bom.components.map((c) => (c.group === undefined ? c.name : `${c.group}/${c.name}`)),
      );
      // The runtime dependencies of every program, at the versions the lockfile pins…
      for (const dependency of ['express', 'bullmq', 'ioredis', 'zod', 'pino', 'prom-client']) {
        const component = bom.components.find((c) => c.name === dependency && c.group === undefined);
        expect(component?.version, dependency).toBe(lockedVersion(dependency));
        expect(component?.purl).toBe(`pkg:npm/${dependency}@${lockedVersion(dependency) ?? ''}`);
      }
      for (const program of ['@ripio-webhooks/core', '@ripio-webhooks/store', '@ripio-webhooks/schemas']) {
        expect(names.has(program), program).toBe(true);
      }
      // …and no development tool.
      for (const devTool of [
        'vitest',
        'typescript',
        'eslint',
        'standardwebhooks',
        '@cyclonedx/cyclonedx-library',
      ]) {
        expect(names.has(devTool), devTool).toBe(false);
      }
    },
  );

  it('the validator refuses a document that is not CycloneDX (the check has teeth)', async () => {
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot7);
    const broken = { bomFormat: 'CycloneDX', specVersion: '1.7', components: [{ type: 'library' }] };
    expect(await validator.validate(JSON.stringify(broken))).not.toBeNull();
  });

  it('the Docker build writes each image’s SBOM into the image', () => {
    const dockerfile = readRepoFile('Dockerfile');
    expect(dockerfile).toMatch(
      /node scripts\/sbom\.mjs --app "\$\{app\}" --out "\/out\/\$\{app\}\/sbom\.cdx\.json"/,
    );
  });
});
