import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ (this file is bench/dist/config.js once built). */
const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = join(BENCH_DIR, '..');
export const RESULTS_DIR = join(BENCH_DIR, 'results');
/** Logs and CPU profiles of one run (git-ignored). */
export const TMP_DIR = join(RESULTS_DIR, 'tmp');
export const DOC_PATH = join(REPO_DIR, 'docs', 'benchmarks.md');
export const SERVERS_DIR = join(BENCH_DIR, 'dist', 'servers');
export const RECEIVER_MAIN = join(REPO_DIR, 'apps', 'receiver', 'dist', 'main.js');
export const WORKER_MAIN = join(REPO_DIR, 'apps', 'worker', 'dist', 'main.js');
export const ARCHIVER_MAIN = join(REPO_DIR, 'apps', 'archiver', 'dist', 'main.js');

/** Every knob of `pnpm bench`, read once from the environment (documented in docs/benchmarks.md). */
export interface BenchConfig {
  /** Seconds of load per measured run. */
  durationS: number;
  /** Seconds of load before the measured runs of a scenario (results discarded). */
  warmupS: number;
  /** Measured runs per scenario; the table shows the median and the spread (min-max). */
  runs: number;
  /** Concurrent connections of the closed-loop (saturation) load. */
  connections: number;
  /** Events pre-filled per processing run. */
  processingEvents: number;
  /** Worker process counts and concurrencies of the processing matrix. */
  workerProcesses: number[];
  workerConcurrencies: number[];
  /** Requests per second of the end-to-end latency run (0 = half of the slower of receiver and one worker). */
  e2eRate: number;
  /** Write a CPU profile of the receiver under saturation and summarize it. */
  profile: boolean;
  /** Node binaries to run the intake scenarios under, by label. */
  nodes: NodeBinary[];
  /** Scenario groups to run (all by default). */
  only: ReadonlySet<ScenarioGroup>;
}

type ScenarioGroup = 'intake' | 'fixed-rate' | 'processing' | 'e2e' | 'cost' | 'node20';
const GROUPS: readonly ScenarioGroup[] = ['intake', 'fixed-rate', 'processing', 'e2e', 'cost', 'node20'];

export interface NodeBinary {
  /** `node<major>`, e.g. node24. */
  label: string;
  /** Full version, e.g. v24.21.0. */
  version: string;
  path: string;
}

function nodeBinary(path: string): NodeBinary | undefined {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const version = result.stdout.trim();
  return { label: `node${version.replace(/^v/, '').split('.')[0] ?? '?'}`, version, path };
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  }
  return value;
}

function numberList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value < 1)) {
    throw new Error(`${name} must be a comma-separated list of positive integers, got "${raw}"`);
  }
  return values;
}

function flag(name: string): boolean {
  const raw = process.env[name];
  return raw === 'true' || raw === '1';
}

/** Node 20 for the comparison: BENCH_NODE20, else /usr/bin/node when it is a Node 20. */
function node20Path(): string | undefined {
  const explicit = process.env['BENCH_NODE20'];
  if (explicit !== undefined && explicit !== '') return explicit;
  return existsSync('/usr/bin/node') ? '/usr/bin/node' : undefined;
}

export function loadConfig(): BenchConfig {
  const onlyRaw = process.env['BENCH_ONLY'];
  const only = new Set<ScenarioGroup>();
  if (onlyRaw === undefined || onlyRaw === '') {
    GROUPS.forEach((group) => only.add(group));
  } else {
    for (const part of onlyRaw.split(',').map((value) => value.trim())) {
      const group = GROUPS.find((candidate) => candidate === part);
      if (group === undefined) {
        throw new Error(`BENCH_ONLY: unknown group "${part}" (known: ${GROUPS.join(', ')})`);
      }
      only.add(group);
    }
  }
  const nodes: NodeBinary[] = [
    {
      label: `node${process.versions.node.split('.')[0] ?? '?'}`,
      version: process.version,
      path: process.execPath,
    },
  ];
  const node20Bin = node20Path();
  const node20 = node20Bin === undefined ? undefined : nodeBinary(node20Bin);
  if (only.has('node20') && node20 !== undefined && node20.label !== nodes[0]?.label) nodes.push(node20);
  return {
    durationS: positiveNumber('BENCH_DURATION_S', 5),
    warmupS: positiveNumber('BENCH_WARMUP_S', 2),
    runs: Math.max(1, Math.round(positiveNumber('BENCH_RUNS', 3))),
    connections: Math.max(1, Math.round(positiveNumber('BENCH_CONNECTIONS', 50))),
    processingEvents: Math.max(100, Math.round(positiveNumber('BENCH_PROCESSING_EVENTS', 2000))),
    workerProcesses: numberList('BENCH_WORKER_PROCESSES', [1, 2, 4]),
    workerConcurrencies: numberList('BENCH_WORKER_CONCURRENCY', [16, 64]),
    e2eRate: positiveNumber('BENCH_E2E_RATE', 0),
    profile: flag('BENCH_PROFILE'),
    nodes,
    only,
  };
}
