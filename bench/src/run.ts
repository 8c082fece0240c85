// `pnpm bench`: every scenario of docs/benchmarks.md in one run. Each server runs in its own child process; the
// load comes from this process; Redis is the benchmark's own redis-server. Results go to
// bench/results/<date>.json and to the generated part of docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { bodyBytes } from './bodies.js';
import {
  DOC_PATH,
  loadConfig,
  RECEIVER_MAIN,
  REPO_DIR,
  RESULTS_DIR,
  SERVERS_DIR,
  WORKER_MAIN,
  type BenchConfig,
  type NodeBinary,
} from './config.js';
import { log } from './log.js';
import { BenchRedis } from './redis.js';
import { renderMarkdown, writeMarkdown } from './report/benchmarks-page.js';
import type { BenchResults, MeasuredResults } from './report/results.js';
import { evaluateTargets } from './report/targets.js';
import { runCost } from './scenarios/cost.js';
import { runEndToEnd } from './scenarios/e2e.js';
import { INTAKE_SCENARIOS, runFixedRate, runIntakeGroup, type IntakeResult } from './scenarios/intake.js';
import { runProcessingMatrix, type ProcessingCase, type ProcessingResult } from './scenarios/processing.js';
import { runReceiverProfile, runWorkerProfile } from './scenarios/profile.js';

function today(): string {
  const now = new Date();
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Formats the regenerated page with the repository's Prettier (tables aligned), so `format:check` stays green. */
function formatWithPrettier(path: string): void {
  const prettier = join(REPO_DIR, 'node_modules', '.bin', 'prettier');
  if (!existsSync(prettier)) return;
  const result = spawnSync(prettier, ['--write', path], { cwd: REPO_DIR, encoding: 'utf8' });
  if (result.status !== 0) log(`prettier could not format ${path}: ${result.stderr}`);
}

async function intakeFor(
  node: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
  skipped: Record<string, string>,
): Promise<Record<string, IntakeResult>> {
  const scenarios = INTAKE_SCENARIOS.filter((scenario) => {
    if (scenario.server !== 'receiver' || existsSync(RECEIVER_MAIN)) return true;
    skipped[`${node.label} ${scenario.id}`] = `${RECEIVER_MAIN} is not built`;
    return false;
  });
  log(`intake on ${node.label} (${node.version}): ${scenarios.map((scenario) => scenario.id).join(', ')}`);
  return runIntakeGroup(scenarios, node, redis, config, (scenario, reason) => {
    skipped[`${node.label} ${scenario.id}`] = reason;
    log(`  ${scenario.id} skipped: ${reason}`);
  });
}

function processingMatrix(
  node: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
  skipped: Record<string, string>,
): Promise<ProcessingResult[]> {
  const modes = existsSync(WORKER_MAIN) ? (['ours', 'noop'] as const) : (['noop'] as const);
  if (!existsSync(WORKER_MAIN)) skipped['processing apps/worker'] = `${WORKER_MAIN} is not built`;
  const cases: ProcessingCase[] = [];
  for (const concurrency of config.workerConcurrencies) {
    for (const processes of config.workerProcesses) {
      for (const mode of modes) cases.push({ mode, processes, concurrency });
    }
  }
  log(`processing: ${cases.length} cases x ${config.runs} runs of ${config.processingEvents} events`);
  return runProcessingMatrix(cases, node, redis, config, (testCase, reason) => {
    skipped[`processing ${testCase.mode} p${testCase.processes} c${testCase.concurrency}`] = reason;
    log(`  skipped: ${reason}`);
  });
}

/** What the run is about to measure on: the machine, the settings, the Node versions; results are added to it. */
async function describeRun(config: BenchConfig, redis: BenchRedis): Promise<MeasuredResults> {
  return {
    date: today(),
    command: 'pnpm bench',
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      os: `${platform()} ${release()}`,
      redis: await redis.version(),
      loadAverageAtStart: loadavg()[0] ?? Number.NaN,
    },
    nodes: config.nodes,
    settings: {
      BENCH_DURATION_S: config.durationS,
      BENCH_WARMUP_S: config.warmupS,
      BENCH_RUNS: config.runs,
      BENCH_CONNECTIONS: config.connections,
      BENCH_PROCESSING_EVENTS: config.processingEvents,
      BENCH_WORKER_PROCESSES: config.workerProcesses.join('/'),
      BENCH_WORKER_CONCURRENCY: config.workerConcurrencies.join('/'),
    },
    bodyBytes: bodyBytes(),
    intake: {},
    skipped: {},
  };
}

/**
 * The end-to-end rate: BENCH_E2E_RATE when set, else half of what the slower stage sustains (receiver saturation,
 * one worker process at concurrency 16), so the run shows the pipeline's latency rather than a growing backlog.
 */
function endToEndRate(config: BenchConfig, saturation: number | undefined, results: MeasuredResults): number {
  const oneWorker = results.processing?.find(
    (run) => run.mode === 'ours' && run.processes === 1 && run.concurrency === 16,
  );
  const sustainable = Math.min(saturation ?? 2000, oneWorker?.eventsPerSecond.median ?? 1000);
  return config.e2eRate > 0 ? config.e2eRate : Math.max(10, Math.round(sustainable * 0.5));
}

/** The intake groups, then the fixed rates (from the primary Node's receiver saturation). */
async function runReceiverScenarios(
  primary: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
  results: MeasuredResults,
): Promise<number | undefined> {
  const { intake, skipped } = results;
  for (const node of config.nodes) {
    if (node === primary ? !config.only.has('intake') : !config.only.has('node20')) continue;
    intake[node.label] = await intakeFor(node, redis, config, skipped);
  }
  const saturation = intake[primary.label]?.['receiver']?.rps.median;
  if (config.only.has('fixed-rate') && existsSync(RECEIVER_MAIN)) {
    const base = saturation ?? 2000;
    if (saturation === undefined) {
      skipped['fixed-rate basis'] = 'receiver saturation not measured in this run: 2000 req/s assumed';
    }
    log(`fixed rates from a saturation of ${Math.round(base)} req/s`);
    results.fixedRate = await runFixedRate(primary, redis, config, base, [0.25, 0.5, 0.75]);
  }
  return saturation;
}

/** Every scenario BENCH_ONLY (and BENCH_PROFILE) selects, in order, each adding its results to `results`. */
async function runScenarios(
  primary: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
  results: MeasuredResults,
): Promise<void> {
  const saturation = await runReceiverScenarios(primary, redis, config, results);
  if (config.only.has('processing')) {
    results.processing = await processingMatrix(primary, redis, config, results.skipped);
  }
  const bothBuilt = existsSync(RECEIVER_MAIN) && existsSync(WORKER_MAIN);
  if (config.only.has('e2e') && bothBuilt) {
    const rate = endToEndRate(config, saturation, results);
    log(`end to end at ${rate} req/s`);
    results.endToEnd = await runEndToEnd(primary, redis, config, rate);
  }
  if (config.only.has('cost') && bothBuilt) {
    log('cost: Redis commands and memory per event');
    results.cost = await runCost(primary, redis, config);
  }
  if (config.profile && existsSync(RECEIVER_MAIN)) {
    log('CPU profile of the receiver at saturation');
    results.profile = await runReceiverProfile(primary, redis, config);
  }
  if (config.profile && existsSync(WORKER_MAIN)) {
    log('CPU profile of one worker process draining the queue');
    results.workerProfile = await runWorkerProfile(primary, redis, config);
  }
}

/** bench/results/<date>.json, the generated part of docs/benchmarks.md, and the targets in the log. */
function writeResults(results: BenchResults): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonPath = join(RESULTS_DIR, `${results.date}.json`);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeMarkdown(DOC_PATH, renderMarkdown(results));
  formatWithPrettier(DOC_PATH);
  log(`wrote ${jsonPath} and ${DOC_PATH} in ${results.durationSeconds} s`);
  for (const target of results.targets) {
    log(
      `  ${target.met === null ? 'STATED' : target.met ? 'MET   ' : 'MISSED'} ${target.target}: ${target.measured}`,
    );
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!existsSync(join(SERVERS_DIR, 'bare-node.js'))) {
    throw new Error(`${SERVERS_DIR} is missing: run the bench build first`);
  }
  const startedAt = performance.now();
  const primary = config.nodes[0];
  if (primary === undefined) throw new Error('no Node binary to run');
  const redis = await BenchRedis.start();
  log(`own redis-server on ${redis.url} (AOF everysec, data in ${redis.server.dir})`);
  const stop = (): void => {
    void redis.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const measured = await describeRun(config, redis);
  if (config.only.has('node20') && !config.nodes.some((node) => node.label === 'node20')) {
    measured.skipped['node20'] = 'no Node 20 found (set BENCH_NODE20 or install /usr/bin/node)';
  }
  try {
    await runScenarios(primary, redis, config, measured);
  } finally {
    await redis.stop();
  }
  writeResults({
    ...measured,
    targets: evaluateTargets(measured),
    durationSeconds: Math.round((performance.now() - startedAt) / 1000),
  });
}

main().then(
  // Exit even if a connection of a failed step is still open.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
