#!/usr/bin/env node
// Entry point of `npm start`, `npm test`, `npm run bench` and `npm run cli -- <args>` on a machine that has only
// Node and npm.
// 1. If this Node is older than 22, install Node 24 from the npm registry into .tools/node and re-run with it.
// 2. Install the pinned pnpm into .tools/pnpm (unless a pnpm of that version is already on PATH).
// 3. pnpm install --frozen-lockfile, then run the requested workspace script; for `cli`, build the CLI (and what it
//    depends on) and run it with the given arguments, the install and build output going to stderr so the
//    CLI's own output (`--json`) stays clean on stdout.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const targets = { start: 'start:local', test: 'test:all', bench: 'bench:run', cli: undefined };
const target = process.argv[2];
if (!(target in targets)) {
  console.error(`usage: node scripts/bootstrap.mjs ${Object.keys(targets).join('|')}`);
  process.exit(2);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}
function must(command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) process.exit(status);
}
function withPath(dir) {
  return { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` };
}

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const nodeBin = join(tools, 'node', 'node_modules', '.bin');
  if (!existsSync(join(nodeBin, 'node'))) {
    console.error(
      `[bootstrap] Node ${process.version} is older than 22: installing Node 24 into .tools/node`,
    );
    must('npm', ['install', '--no-save', '--prefix', join(tools, 'node'), 'node@24']);
  }
  process.exit(
    run(join(nodeBin, 'node'), [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      env: withPath(nodeBin),
    }),
  );
}

const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const pnpmBin = join(tools, 'pnpm', 'node_modules', '.bin');
const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
let env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };
if (onPath.status !== 0 || onPath.stdout.trim() !== pinned) {
  if (!existsSync(join(pnpmBin, 'pnpm'))) {
    console.error(`[bootstrap] installing pnpm ${pinned} into .tools/pnpm`);
    must('npm', ['install', '--no-save', '--prefix', join(tools, 'pnpm'), `pnpm@${pinned}`]);
  }
  env = { ...env, PATH: `${pnpmBin}:${process.env.PATH ?? ''}` };
}
if (target === 'cli') {
  const toStderr = { env, stdio: ['ignore', 2, 2] };
  must('pnpm', ['install', '--frozen-lockfile', '--reporter=silent'], toStderr);
  must(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=@ripio-webhooks/cli...', '--output-logs=errors-only'],
    toStderr,
  );
  process.exit(
    run(process.execPath, [join(root, 'packages', 'cli', 'dist', 'main.js'), ...process.argv.slice(3)]),
  );
}
must('pnpm', ['install', '--frozen-lockfile'], { env });
process.exit(run('pnpm', ['run', targets[target], ...process.argv.slice(3)], { env }));
