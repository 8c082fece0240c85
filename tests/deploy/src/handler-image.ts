import { cp, mkdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runCommand } from './binaries.js';
import { repoPath } from './repo.js';

/** The example handlers project docs/deployment.md shows, with its Dockerfile. */
export const EXAMPLE_DIR = repoPath('deploy', 'handlers-example');

/** The build stage's RUN lines, as the emulation below performs them. */
export const EXPECTED_BUILD_STEPS = [
  'npm install --no-audit --no-fund',
  'npx tsc -p tsconfig.json && npm prune --omit=dev',
];

export interface HandlerDockerfile {
  /** The build stage's WORKDIR, e.g. /build. */
  buildDir: string;
  /** The build stage's `COPY <from> <to>` lines, relative to the context and the WORKDIR. */
  buildCopies: { from: string; to: string }[];
  buildSteps: string[];
  /** The final stage's FROM (the worker image) and its `COPY --from=<build stage>` lines. */
  finalFrom: string;
  finalCopies: { from: string; to: string }[];
  handlersModule: string;
}

/** Reads the example Dockerfile's two stages (the subset of Dockerfile syntax it uses). */
export async function readHandlerDockerfile(): Promise<HandlerDockerfile> {
  const text = await readFile(join(EXAMPLE_DIR, 'Dockerfile'), 'utf8');
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const stages: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('FROM ')) stages.push([line]);
    else stages.at(-1)?.push(line);
  }
  const [build, final] = stages;
  if (stages.length !== 2 || build === undefined || final === undefined) {
    throw new Error(`expected two stages in the example Dockerfile, found ${stages.length}`);
  }
  const stageName = /^FROM \S+ AS (\S+)$/.exec(build[0] ?? '')?.[1];
  const args = (line: string, keyword: string): string[] =>
    line
      .slice(keyword.length + 1)
      .trim()
      .split(/\s+/);
  const copies = (stage: string[], prefix: string) =>
    stage
      .filter((line) => line.startsWith(prefix))
      .map((line) => {
        const [from = '', to = ''] = args(line, prefix);
        return { from, to };
      });
  const env = final.find((line) => line.startsWith('ENV HANDLERS_MODULE='));
  return {
    buildDir: args(build.find((line) => line.startsWith('WORKDIR')) ?? '', 'WORKDIR')[0] ?? '',
    buildCopies: copies(build, 'COPY'),
    buildSteps: build.filter((line) => line.startsWith('RUN ')).map((line) => line.slice(4).trim()),
    finalFrom: args(final[0] ?? '', 'FROM')[0] ?? '',
    finalCopies: copies(final, `COPY --from=${stageName ?? '?'}`),
    handlersModule: env?.slice('ENV HANDLERS_MODULE='.length) ?? '',
  };
}

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Where a dev dependency of the example is installed in this repository (tests/deploy has the same pins). */
function installedPackageDir(name: string): string {
  return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
}

/**
 * Does what the build stage does, without a Docker engine or a registry: copies the context in, installs (a
 * `file:` tarball is unpacked as npm does; dev dependencies are linked from this repository, at the versions
 * the example pins), compiles with the project's tsc, and prunes the dev dependencies.
 */
export async function runBuildStage(
  dockerfile: HandlerDockerfile,
  context: string,
  build: string,
): Promise<void> {
  await mkdir(build, { recursive: true });
  for (const { from, to } of dockerfile.buildCopies) {
    await cp(join(context, from), to === './' ? join(build, from) : join(build, to), { recursive: true });
  }
  const manifest = JSON.parse(await readFile(join(build, 'package.json'), 'utf8')) as Manifest;
  for (const [name, spec] of Object.entries(manifest.dependencies ?? {})) {
    if (!spec.startsWith('file:')) {
      throw new Error(`${name}: only file: tarballs are installed here (${spec})`);
    }
    const target = join(build, 'node_modules', name);
    await mkdir(dirname(target), { recursive: true });
    const unpacked = await runCommand('tar', [
      '-xzf',
      join(build, spec.slice('file:'.length)),
      '-C',
      dirname(target),
    ]);
    if (unpacked.code !== 0) throw new Error(`tar: ${unpacked.stderr}`);
    await rename(join(dirname(target), 'package'), target);
  }
  const devDependencies = Object.entries(manifest.devDependencies ?? {});
  for (const [name, version] of devDependencies) {
    const installed = installedPackageDir(name);
    const { version: here } = JSON.parse(
      await readFile(join(installed, 'package.json'), 'utf8'),
    ) as Manifest & {
      version: string;
    };
    if (here !== version) throw new Error(`the example pins ${name} ${version}; the repository has ${here}`);
    await mkdir(dirname(join(build, 'node_modules', name)), { recursive: true });
    await symlink(installed, join(build, 'node_modules', name), 'dir');
  }
  const tsc = await runCommand(
    process.execPath,
    [join(build, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
    {
      cwd: build,
    },
  );
  if (tsc.code !== 0) throw new Error(`tsc failed in the build stage:\n${tsc.stdout}${tsc.stderr}`);
  for (const [name] of devDependencies) await rm(join(build, 'node_modules', name), { force: true });
}

/** The final stage's COPY lines, into `root` standing for the image's `/`. */
export async function runFinalStage(
  dockerfile: HandlerDockerfile,
  build: string,
  root: string,
): Promise<void> {
  for (const { from, to } of dockerfile.finalCopies) {
    if (!from.startsWith(`${dockerfile.buildDir}/`)) {
      throw new Error(`COPY from outside the build dir: ${from}`);
    }
    const source = join(build, from.slice(dockerfile.buildDir.length + 1));
    await mkdir(dirname(join(root, to)), { recursive: true });
    await cp(source, join(root, to), { recursive: true });
  }
}
