import type { PlannedDelivery, SimulationPlan } from '@ripio-webhooks/cli';
import type { Redis } from 'ioredis';
import { sendDeliveries, type DeliveryRecord } from './sender.js';
import { LEDGER_PREFIX } from './stack.js';
import { eventKeyOfBody } from './verify.js';

const entityRef = (delivery: PlannedDelivery): string =>
  delivery.entity === undefined ? '' : `${delivery.entity.kind}/${delivery.entity.id}`;

/**
 * Sends every entity's events one after another, each acknowledged before the next is sent (Ripio's order for
 * that entity), with `parallelEntities` entities in flight at a time.
 */
export async function sendInFlowOrder(
  plan: SimulationPlan,
  url: string,
  parallelEntities: number,
): Promise<DeliveryRecord[]> {
  const groups = new Map<string, PlannedDelivery[]>();
  for (const delivery of plan.deliveries) {
    const ref = entityRef(delivery);
    groups.set(ref, [...(groups.get(ref) ?? []), delivery]);
  }
  const queue = [...groups.values()];
  const records: DeliveryRecord[] = [];
  const lane = async (): Promise<void> => {
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      const sent = await sendDeliveries(group, {
        url,
        concurrency: 1,
        maxAttempts: 50,
        maxRetryDelayMs: 500,
        timeoutMs: 20_000,
      });
      records.push(...sent);
    }
  };
  await Promise.all(Array.from({ length: parallelEntities }, () => lane()));
  return records;
}

/** Each planned entity's event keys in flow order (`kind/id` -> keys), each key once. */
export function flowKeysByEntity(plan: SimulationPlan): Map<string, string[]> {
  const byEntity = new Map<string, string[]>();
  for (const delivery of plan.deliveries) {
    if (delivery.kind !== 'event' && delivery.kind !== 'duplicate') continue;
    const ref = entityRef(delivery);
    const keys = byEntity.get(ref) ?? [];
    const key = eventKeyOfBody(delivery.body);
    if (!keys.includes(key)) keys.push(key);
    byEntity.set(ref, keys);
  }
  return byEntity;
}

/** The event keys of completed handler calls, in the order they completed (the ledger handler's list). */
export async function readRuns(redis: Redis): Promise<string[]> {
  return redis.lrange(`${LEDGER_PREFIX}:runs`, 0, -1);
}

/**
 * Entities whose handlers did not run exactly once per event in flow order, each with what ran (empty: every
 * entity's handlers ran once per event, in order). `skip`: event keys expected not to run (a discarded blocker).
 */
export function flowOrderProblems(
  flows: ReadonlyMap<string, readonly string[]>,
  runs: readonly string[],
  skip: ReadonlySet<string> = new Set(),
): string[] {
  const problems: string[] = [];
  for (const [ref, keys] of flows) {
    const expected = keys.filter((key) => !skip.has(key));
    const own = new Set(keys);
    const ran = runs.filter((key) => own.has(key));
    if (JSON.stringify(ran) !== JSON.stringify(expected)) {
      problems.push(`${ref}: expected ${expected.join(' > ')}; ran ${ran.join(' > ') || 'nothing'}`);
    }
  }
  return problems;
}
