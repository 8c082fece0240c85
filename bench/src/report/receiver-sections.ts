// The sections of the generated benchmarks page about the run itself and the receiver. Each returns the page's
// chunks in order (joined with newlines by the caller); an empty list leaves the section out.
import { int, ratio, spreadMs, spreadRps, table } from './format.js';
import type { BenchResults } from './results.js';

/** When, where and how the run was made, and what it skipped. */
export function runSection(results: BenchResults): string[] {
  const { machine } = results;
  const busy =
    machine.loadAverageAtStart >= 1
      ? ' (**other work was running: absolute figures are depressed and ratios noisier**)'
      : '';
  const nodes = results.nodes.map((node) => `${node.label} = ${node.version}`).join(', ');
  const settings = Object.entries(results.settings)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
  return [
    `Latest run: ${results.date}, \`${results.command}\`, ${Math.round(results.durationSeconds)} s in all. ` +
      `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Redis ${machine.redis} ` +
      `(own instance, AOF everysec). Load average (1 min) before the run: ${machine.loadAverageAtStart.toFixed(1)}` +
      `${busy}. Node: ${nodes}. ` +
      `Body: ${results.bodyBytes} B signed Sell and Pay event. Settings: ${settings}.`,
    ...Object.entries(results.skipped).map(([label, reason]) => `\n**${label} skipped:** ${reason}`),
  ];
}

export function targetsSection(targets: BenchResults['targets']): string[] {
  if (targets.length === 0) return [];
  return [
    '\n### Targets\n',
    table(
      ['target', 'measured', 'met'],
      targets.map((t) => [t.target, t.measured, t.met === null ? 'stated' : t.met ? 'yes' : '**no**']),
    ),
  ];
}

const INTAKE_HEADER = [
  'node',
  'scenario',
  'req/s',
  'vs Express+HMAC',
  'p50 ms',
  'p99 ms',
  'p99.9 ms',
  'server CPU µs/req',
  'vs Express+HMAC by CPU',
  'Redis CPU µs/req',
  'non-2xx/errors',
];

export function intakeSection(intake: BenchResults['intake']): string[] {
  const rows: string[][] = [];
  for (const label of Object.keys(intake)) {
    const scenarios = intake[label] ?? {};
    const express = scenarios['express-hmac']?.rps.median ?? Number.NaN;
    const expressCpu = scenarios['express-hmac']?.serverCpuUs.median ?? Number.NaN;
    for (const [id, result] of Object.entries(scenarios)) {
      rows.push([
        label,
        `${id}${result.bodies === 'dup30' ? ' (30% duplicates)' : ''}`,
        spreadRps(result.rps),
        ratio(result.rps.median / express),
        spreadMs(result.p50),
        spreadMs(result.p99),
        spreadMs(result.p999),
        int(result.serverCpuUs.median),
        ratio(expressCpu / result.serverCpuUs.median),
        int(result.redisCpuUs.median),
        `${result.non2xx}/${result.errors}`,
      ]);
    }
  }
  if (rows.length === 0) return [];
  return [
    '\n### Intake at saturation (closed loop, autocannon; median of runs, min-max in brackets)\n',
    table(INTAKE_HEADER, rows),
  ];
}

export function fixedRateSection(fixedRate: BenchResults['fixedRate']): string[] {
  if (fixedRate === undefined) return [];
  return [
    '\n### Receiver at fixed rates (open loop; ack latency from send)\n',
    table(
      [
        'share of saturation',
        'rate req/s',
        'achieved',
        'p50 ms',
        'p99 ms',
        'p99.9 ms',
        'p99 from schedule ms',
        'non-2xx/errors',
      ],
      fixedRate.map((run) => [
        `${Math.round(run.fraction * 100)}%`,
        int(run.rate),
        int(run.achievedRps.median),
        spreadMs(run.p50),
        spreadMs(run.p99),
        spreadMs(run.p999),
        spreadMs(run.p99FromSchedule),
        `${run.non2xx}/${run.errors}`,
      ]),
    ),
  ];
}
