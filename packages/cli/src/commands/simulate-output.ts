import { expectationsOf } from '../simulate/expectations.js';
import type { SimulationPlan } from '../simulate/plan.js';
import type { SimulationSummary } from '../simulate/send.js';
import { printJson, table, type Io } from './common.js';

/** `simulate --dry-run`: what would be sent, as JSON or as a table of entities. */
export function printPlan(io: Io, plan: SimulationPlan, json: boolean): void {
  if (json) printJson(io, { ...expectationsOf(plan), deliveries: plan.deliveries.length });
  else {
    io.out(
      `seed ${plan.seed}: ${plan.entities.length} entities, ${plan.events} events, ${plan.deliveries.length} deliveries`,
    );
    io.out(
      table(plan.entities.map((entity) => [entity.kind, entity.id, entity.flow, entity.expectedStatus])),
    );
  }
}

/** What a run sent and how it was answered, for a person. */
export function printSummary(io: Io, seed: string, summary: SimulationSummary): void {
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  io.out(`seed ${seed}`);
  io.out(
    `sent ${summary.deliveries} deliveries in ${(summary.durationMs / 1000).toFixed(2)} s ` +
      `(${summary.requests} requests, ${summary.retries} retries${summary.retryBudgetExhausted ? ', retry budget exhausted' : ''})`,
  );
  io.out(
    table([
      ['answer', 'count'],
      ...Object.entries(summary.byStatus).map(([status, count]) => [status, String(count)]),
    ]),
  );
  io.out(
    table([
      ['kind', 'answers'],
      ...Object.entries(summary.byKind).map(([kind, counts]) => [
        kind,
        Object.entries(counts)
          .map(([status, count]) => `${status}: ${count}`)
          .join(', '),
      ]),
    ]),
  );
  const latency = summary.latencyMs;
  io.out(
    `latency p50 ${ms(latency.p50)}  p90 ${ms(latency.p90)}  p99 ${ms(latency.p99)}  max ${ms(latency.max)}`,
  );
  if (summary.unacknowledged > 0) {
    io.out(`${summary.unacknowledged} valid deliveries were not acknowledged (2xx)`);
  }
}
