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

/** A transaction as costly as the costliest measured flow in every part: the sizing errs high. */
interface Worst {
  eventsPerTransaction: number;
  entityAndHistoryPerTransaction: number;
  seenPerTransaction: number;
  completedJobPerEvent: number;
}

function worstOf(results: readonly FlowMemory[]): Worst {
  const max = (pick: (r: FlowMemory) => number): number => Math.max(...results.map(pick));
  return {
    eventsPerTransaction: max((r) => r.eventsPerTransaction),
    entityAndHistoryPerTransaction: max((r) => r.entityAndHistoryPerTransaction),
    seenPerTransaction: max((r) => r.eventsPerTransaction * r.seenPerEvent),
    completedJobPerEvent: max((r) => r.completedJobPerEvent),
  };
}

/** Steady state at `perDay` transactions a day, each like `worst`, with the default retention. */
function steadyState(worst: Worst, perDay: number) {
  const { entityRetentionDays, dedupeDays, completedJobsCap } = SIZING_ASSUMPTIONS;
  const eventsPerDay = perDay * worst.eventsPerTransaction;
  const entities = perDay * entityRetentionDays * worst.entityAndHistoryPerTransaction;
  const seen = perDay * dedupeDays * worst.seenPerTransaction;
  const jobs = Math.min(eventsPerDay, completedJobsCap) * worst.completedJobPerEvent;
  const perDayGrowth = perDay * (worst.entityAndHistoryPerTransaction + worst.seenPerTransaction);
  return { entities, seen, jobs, total: entities + seen + jobs, perDayGrowth };
}

/** The markdown docs/operations.md carries: measured figures per flow, then the sizing at three rates. */
export function sizingTable(
  results: readonly FlowMemory[],
  run: { redisVersion: string; transactions: number },
): string {
  const worst = worstOf(results);
  const { entityRetentionDays, dedupeDays } = SIZING_ASSUMPTIONS;
  const rows = RATES.map((perDay) => {
    const state = steadyState(worst, perDay);
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
    `Sizing with every transaction as costly as the costliest flow in each part (${worst.eventsPerTransaction} ` +
      `events, ${worst.entityAndHistoryPerTransaction} B of entity and history, ${worst.seenPerTransaction} B ` +
      `of dedupe records, ${worst.completedJobPerEvent} B per completed job), ` +
      `ENTITY_RETENTION_DAYS=${entityRetentionDays}, dedupe ${dedupeDays} days:`,
    '',
    `| transactions / day | growth / day | entities + histories (${entityRetentionDays} d) | dedupe records (${dedupeDays} d) | completed jobs (24 h, max 100,000) | steady state | maxmemory at 70% |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
