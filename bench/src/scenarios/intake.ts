import { eventsWithDuplicates, uniqueEvents, type EventSource } from '../bodies.js';
import type { BenchConfig, NodeBinary } from '../config.js';
import { saturate, type LoadResult } from '../load.js';
import { paced } from '../paced.js';
import { log } from '../log.js';
import type { BenchRedis } from '../redis.js';
import { cpuSeconds, stopAll } from '../processes.js';
import { INTAKE_SERVERS, startIntakeServer, type IntakeServerId, type RunningServer } from '../servers.js';
import { spreadOf, type Spread } from '../stats.js';

type BodyMix = 'unique' | 'dup30';

export interface IntakeScenario {
  id: string;
  server: IntakeServerId;
  bodies: BodyMix;
}

export const INTAKE_SCENARIOS: readonly IntakeScenario[] = [
  { id: 'bare-node', server: 'bare-node', bodies: 'unique' },
  { id: 'express-hmac', server: 'express-hmac', bodies: 'unique' },
  { id: 'naive-peer', server: 'naive-peer', bodies: 'unique' },
  { id: 'receiver', server: 'receiver', bodies: 'unique' },
  { id: 'receiver-dup30', server: 'receiver', bodies: 'dup30' },
];

export interface IntakeResult {
  label: string;
  bodies: BodyMix;
  rps: Spread;
  p50: Spread;
  p99: Spread;
  p999: Spread;
  /** CPU time of the server process (all its threads) per 2xx response, in microseconds. */
  serverCpuUs: Spread;
  /** CPU time of redis-server per 2xx response, in microseconds. */
  redisCpuUs: Spread;
  /** Summed over the measured runs. */
  responses: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

function sourceOf(bodies: BodyMix): EventSource {
  return bodies === 'unique' ? uniqueEvents() : eventsWithDuplicates(uniqueEvents());
}

interface MeasuredRun extends LoadResult {
  serverCpuUs: number;
  redisCpuUs: number;
}

function summarizeRuns(
  runs: readonly LoadResult[],
): Omit<IntakeResult, 'label' | 'bodies' | 'serverCpuUs' | 'redisCpuUs'> {
  const statusCodes: Record<string, number> = {};
  for (const run of runs) {
    for (const [code, count] of Object.entries(run.statusCodes)) {
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
    }
  }
  return {
    rps: spreadOf(runs.map((run) => run.rps)),
    p50: spreadOf(runs.map((run) => run.latencyMs.p50)),
    p99: spreadOf(runs.map((run) => run.latencyMs.p99)),
    p999: spreadOf(runs.map((run) => run.latencyMs.p999)),
    responses: runs.reduce((sum, run) => sum + run.responses, 0),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    statusCodes,
  };
}

interface StartedScenario {
  scenario: IntakeScenario;
  server: RunningServer;
}

/** Starts each scenario's server (and warms it up) into `started`; a server that fails to start is skipped. */
async function startScenarios(
  scenarios: readonly IntakeScenario[],
  node: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
  onSkip: (scenario: IntakeScenario, reason: string) => void,
  started: StartedScenario[],
): Promise<void> {
  for (const scenario of scenarios) {
    try {
      const server = await startIntakeServer(scenario.server, {
        node,
        redisUrl: redis.url,
        tag: scenario.bodies,
      });
      if (config.warmupS > 0) {
        await saturate(
          { port: server.port, path: server.path },
          sourceOf(scenario.bodies),
          config.connections,
          config.warmupS,
        );
      }
      started.push({ scenario, server });
    } catch (error) {
      onSkip(scenario, error instanceof Error ? error.message : String(error));
    }
  }
}

/** One measured saturation run of a started scenario, with the CPU the server and Redis spent per 2xx answer. */
async function measureRun(
  { scenario, server }: StartedScenario,
  redis: BenchRedis,
  config: BenchConfig,
): Promise<MeasuredRun> {
  if (INTAKE_SERVERS[scenario.server].usesRedis) await redis.flush();
  const serverBefore = cpuSeconds(server.child.pid);
  const redisBefore = cpuSeconds(redis.server.pid);
  const load = await saturate(
    { port: server.port, path: server.path },
    sourceOf(scenario.bodies),
    config.connections,
    config.durationS,
  );
  const ok = Math.max(1, load.responses - load.non2xx);
  return {
    ...load,
    serverCpuUs: ((cpuSeconds(server.child.pid) - serverBefore) * 1e6) / ok,
    redisCpuUs: ((cpuSeconds(redis.server.pid) - redisBefore) * 1e6) / ok,
  };
}

function logRun(node: NodeBinary, scenario: IntakeScenario, run: number, result: MeasuredRun): void {
  log(
    `  ${node.label} ${scenario.id} run ${run + 1}: ${Math.round(result.rps)} req/s, p50 ${result.latencyMs.p50.toFixed(2)} ms, ` +
      `p99 ${result.latencyMs.p99.toFixed(2)} ms, CPU/request ${Math.round(result.serverCpuUs)} us (redis ` +
      `${Math.round(result.redisCpuUs)} us), non-2xx ${result.non2xx}, errors ${result.errors}`,
  );
}

function intakeResultOf(scenario: IntakeScenario, runs: readonly MeasuredRun[]): IntakeResult {
  return {
    label: INTAKE_SERVERS[scenario.server].label,
    bodies: scenario.bodies,
    ...summarizeRuns(runs),
    serverCpuUs: spreadOf(runs.map((run) => run.serverCpuUs)),
    redisCpuUs: spreadOf(runs.map((run) => run.redisCpuUs)),
  };
}

/**
 * Saturation of every scenario under one Node binary. Each server runs in its own process for the whole group; the
 * measured runs go round-robin over the scenarios (run 1 of each, then run 2 of each...), so a change in the
 * machine's background load shifts every scenario alike and the ratios between them stay fair. Redis is emptied
 * before each run of a server that uses it.
 */
export async function runIntakeGroup(
  scenarios: readonly IntakeScenario[],
  node: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
  onSkip: (scenario: IntakeScenario, reason: string) => void,
): Promise<Record<string, IntakeResult>> {
  const started: StartedScenario[] = [];
  try {
    await startScenarios(scenarios, node, redis, config, onSkip, started);
    const runs = new Map<string, MeasuredRun[]>(started.map(({ scenario }) => [scenario.id, []]));
    for (let run = 0; run < config.runs; run += 1) {
      for (const entry of started) {
        const result = await measureRun(entry, redis, config);
        logRun(node, entry.scenario, run, result);
        runs.get(entry.scenario.id)?.push(result);
      }
    }
    const results: Record<string, IntakeResult> = {};
    for (const { scenario } of started) {
      results[scenario.id] = intakeResultOf(scenario, runs.get(scenario.id) ?? []);
    }
    return results;
  } finally {
    await stopAll(started.map(({ server }) => server.child));
  }
}

export interface FixedRateResult {
  /** Fraction of the receiver's median saturation throughput. */
  fraction: number;
  rate: number;
  achievedRps: Spread;
  p50: Spread;
  p99: Spread;
  p999: Spread;
  /** p99 measured from each request's scheduled start (includes any queueing in the load generator). */
  p99FromSchedule: Spread;
  non2xx: number;
  errors: number;
}

/** Open-loop runs of the receiver at fixed fractions of its saturation throughput. */
export async function runFixedRate(
  node: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
  saturationRps: number,
  fractions: readonly number[],
): Promise<FixedRateResult[]> {
  const server = await startIntakeServer('receiver', { node, redisUrl: redis.url, tag: 'fixed-rate' });
  const target = { port: server.port, path: server.path };
  const results: FixedRateResult[] = [];
  try {
    if (config.warmupS > 0) await saturate(target, uniqueEvents(), config.connections, config.warmupS);
    for (const fraction of fractions) {
      const rate = Math.max(1, Math.round(saturationRps * fraction));
      const runs = [];
      for (let run = 0; run < config.runs; run += 1) {
        await redis.flush();
        const result = await paced(target, uniqueEvents(), { rate, durationS: config.durationS });
        log(
          `  fixed rate ${Math.round(fraction * 100)}% (${rate}/s) run ${run + 1}: p50 ${result.latencyMs.p50.toFixed(2)} ms, ` +
            `p99 ${result.latencyMs.p99.toFixed(2)} ms, p99.9 ${result.latencyMs.p999.toFixed(2)} ms`,
        );
        runs.push(result);
      }
      const summary = summarizeRuns(runs);
      results.push({
        fraction,
        rate,
        achievedRps: summary.rps,
        p50: summary.p50,
        p99: summary.p99,
        p999: summary.p999,
        p99FromSchedule: spreadOf(runs.map((run) => run.fromScheduleMs.p99)),
        non2xx: summary.non2xx,
        errors: summary.errors,
      });
    }
  } finally {
    await server.child.stop();
  }
  return results;
}
