// The sections of the generated benchmarks page about the worker, the whole pipeline, its cost in Redis and the CPU
// profiles. Each returns the page's chunks in order (joined with newlines by the caller); an empty list leaves the
// section out.
import type { CommandCount } from '../scenarios/cost.js';
import type { ProfileResult } from '../scenarios/profile.js';
import type { LatencySummary } from '../stats.js';
import { int, ms, ratio, spreadMs, spreadRps, table } from './format.js';
import type { BenchResults } from './results.js';

export function processingSection(processing: BenchResults['processing']): string[] {
  if (processing === undefined) return [];
  const noopOf = (run: (typeof processing)[number]) =>
    processing.find(
      (other) =>
        other.mode === 'noop' && other.processes === run.processes && other.concurrency === run.concurrency,
    );
  return [
    `\n### Processing: time to drain ${int(processing[0]?.events ?? 0)} pre-filled events\n`,
    table(
      [
        'worker',
        'processes',
        'concurrency',
        'events/s',
        'drain s',
        'vs no-op',
        'worker CPU µs/event',
        'Redis CPU µs/event',
        'failed',
      ],
      processing.map((run) => {
        const noop = noopOf(run);
        return [
          run.mode === 'ours' ? 'apps/worker' : 'BullMQ no-op',
          String(run.processes),
          String(run.concurrency),
          spreadRps(run.eventsPerSecond),
          spreadMs(run.drainSeconds),
          run.mode === 'ours' && noop !== undefined
            ? ratio(run.eventsPerSecond.median / noop.eventsPerSecond.median)
            : '',
          int(run.workerCpuUs.median),
          int(run.redisCpuUs.median),
          String(run.failed),
        ];
      }),
    ),
  ];
}

const latencyRow = (measure: string, latency: LatencySummary): string[] => [
  measure,
  ms(latency.p50),
  ms(latency.p99),
  ms(latency.p999),
  ms(latency.max),
];

export function endToEndSection(e2e: BenchResults['endToEnd']): string[] {
  if (e2e === undefined) return [];
  return [
    `\n### End to end at ${e2e.rate} req/s (receiver + ${e2e.workerProcesses} worker process, concurrency ${e2e.workerConcurrency})\n`,
    table(
      ['measure', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms'],
      [
        latencyRow('receiver ack', e2e.ackMs),
        latencyRow('ack -> state committed', e2e.ackToCommitMs),
        latencyRow('send -> state committed', e2e.sendToCommitMs),
      ],
    ),
    `\n${e2e.committed} of ${e2e.acked} acknowledged events found committed.`,
  ];
}

function commandsCell(count: CommandCount): string {
  const top = (record: Record<string, number>): string =>
    Object.entries(record)
      .filter(([, calls]) => calls >= 0.05)
      .map(([command, calls]) => `${command} ${calls}`)
      .join(', ');
  return `**${count.requestsPerEvent}** requests (${top(count.requests)}) + ${count.luaPerEvent} inside scripts = ${count.perEvent}`;
}

export function costSection(cost: BenchResults['cost']): string[] {
  if (cost === undefined) return [];
  const { ours, naive } = cost;
  return [
    `\n### Cost in Redis (${ours.events} events, counted with MONITOR; per event)\n`,
    table(
      ['pipeline', 'intake', 'processing', 'in-flight bytes/job'],
      [
        ['ours', commandsCell(ours.intake), commandsCell(ours.processing), int(ours.inFlightBytesPerJob)],
        ['ours, 30% duplicates', commandsCell(ours.intakeWithDuplicates), '', ''],
        ['naive', commandsCell(naive.intake), commandsCell(naive.processing), int(naive.inFlightBytesPerJob)],
      ],
    ),
    `\nMEMORY USAGE (bytes, average of sample keys): queued job hash ${ours.bytes.queuedJobHash}, completed job hash ` +
      `${ours.bytes.completedJobHash}, entity record ${ours.bytes.entityRecord}, history list ${ours.bytes.history}, ` +
      `dedupe record ${ours.bytes.dedupeRecord}; used_memory retained per processed event (completed job kept by ` +
      `removeOnComplete + entity keys): ${ours.retainedBytesPerEvent}.`,
  ];
}

function profileSection(what: string, profile: ProfileResult | undefined, unit: string): string[] {
  if (profile === undefined) return [];
  return [
    `\n### CPU profile: ${what} (${int(profile.rps)} ${unit}, ${int(profile.totalMs)} ms sampled)\n`,
    `Self time by area: ${Object.entries(profile.byArea)
      .map(([area, percent]) => `${area} ${percent}%`)
      .join(', ')}.\n`,
    table(
      ['function', 'where', 'self %', 'main caller (native frames)'],
      profile.top.map((entry) => [
        `\`${entry.function}\``,
        entry.location,
        String(entry.selfPercent),
        entry.mainCaller ?? '',
      ]),
    ),
  ];
}

export function profileSections(results: BenchResults): string[] {
  return [
    ...profileSection('receiver at saturation', results.profile, 'req/s'),
    ...profileSection(
      'one worker process (concurrency 16) draining the queue',
      results.workerProfile,
      'events/s',
    ),
  ];
}
