import type { FlowMemory } from './measure-flow.js';

/** The retention the sizing assumes: the worker's defaults. */
const SIZING_ASSUMPTIONS = {
  entityRetentionDays: 90,
  dedupeDays: 30,
  /** BullMQ keeps a completed job 24 h, and never more than the last 100,000 (eventJobOptions). */
  completedJobsCap: 100_000,
} as const;

const RATES = [10_000, 100_000, 1_000_000] as const;

function mib(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

function perFlowRows(results: readonly FlowMemory[]): string[] {
  return [
    '| flow | events | per transaction, all | completed job / event | dedupe record / event | entity + history / transaction | MEMORY USAGE job / seen / entity / history |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.flow} | ${r.eventsPerTransaction} | ${r.totalPerTransaction} B | ${r.completedJobPerEvent} B | ` +
        `${r.seenPerEvent} B | ${r.entityAndHistoryPerTransaction} B | ` +
        `${r.keyUsage.job} / ${r.keyUsage.seen} / ${r.keyUsage.entity} / ${r.keyUsage.history} B |`,
    ),
  ];
}

/** Steady state at `perDay` transactions a day, all like `reference`, with the default retention. */
function steadyState(reference: FlowMemory, perDay: number) {
  const { entityRetentionDays, dedupeDays, completedJobsCap } = SIZING_ASSUMPTIONS;
  const eventsPerDay = perDay * reference.eventsPerTransaction;
  const entities = perDay * entityRetentionDays * reference.entityAndHistoryPerTransaction;
  const seen = eventsPerDay * dedupeDays * reference.seenPerEvent;
  const jobs = Math.min(eventsPerDay, completedJobsCap) * reference.completedJobPerEvent;
  const perDayGrowth =
    perDay * reference.entityAndHistoryPerTransaction + eventsPerDay * reference.seenPerEvent;
  return { entities, seen, jobs, total: entities + seen + jobs, perDayGrowth };
}

/** The markdown docs/operations.md carries: measured figures per flow, then the sizing at three rates. */
export function sizingTable(
  results: readonly FlowMemory[],
  run: { redisVersion: string; transactions: number },
): string {
  // The costliest measured flow stands for every transaction: the sizing errs high.
  const reference = results.reduce((worst, r) =>
    r.totalPerTransaction > worst.totalPerTransaction ? r : worst,
  );
  const { entityRetentionDays, dedupeDays } = SIZING_ASSUMPTIONS;
  const rows = RATES.map((perDay) => {
    const state = steadyState(reference, perDay);
    return (
      `| ${perDay.toLocaleString('en-US')} | ${mib(state.perDayGrowth)} | ${mib(state.entities)} | ` +
      `${mib(state.seen)} | ${mib(state.jobs)} | ${mib(state.total)} | ${mib(state.total / 0.7)} |`
    );
  });
  return [
    `Measured on Redis ${run.redisVersion}, ${run.transactions} transactions per flow:`,
    '',
    ...perFlowRows(results),
    '',
    `Sizing with every transaction like \`${reference.flow}\` (${reference.eventsPerTransaction} events), ` +
      `ENTITY_RETENTION_DAYS=${entityRetentionDays}, dedupe ${dedupeDays} days:`,
    '',
    `| transactions / day | growth / day | entities + histories (${entityRetentionDays} d) | dedupe records (${dedupeDays} d) | completed jobs (24 h, max 100,000) | steady state | maxmemory at 70% |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
