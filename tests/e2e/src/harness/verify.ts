import type { DeliveryResult, PlannedDelivery, SimulationPlan } from '@ripio-webhooks/cli';
import { eventKeyOf, parseEventBody } from '@ripio-webhooks/schemas';
import type { Redis } from 'ioredis';
import { AdminApi, type DeadLetterEntry, type EntityRecord } from './admin-api.js';
import type { ScenarioRow } from './report.js';
import { finalOutcome, isAcked, type DeliveryRecord } from './sender.js';
import { LEDGER_PREFIX, QUEUE_PREFIX, type Stack } from './stack.js';
import { pollUntil } from './wait.js';

/** The event key the receiver and worker derive from these exact bytes (the shared schemas function). */
export function eventKeyOfBody(body: string): string {
  return eventKeyOf(parseEventBody(body), body);
}

function isValidDelivery(
  delivery: PlannedDelivery,
): delivery is PlannedDelivery & { entity: { kind: string; id: string } } {
  return (delivery.kind === 'event' || delivery.kind === 'duplicate') && delivery.entity !== undefined;
}

/** One delivery's end, whichever sender made it (the harness's recording sender or the CLI's runSimulation). */
export interface DeliveryOutcome {
  delivery: PlannedDelivery;
  acked: boolean;
  /** Attempts beyond the first. */
  retries: number;
  /** The final answer (`202`, `401`...) or the last error. */
  final: string;
}

export function outcomeOfRecord(record: DeliveryRecord): DeliveryOutcome {
  const last = finalOutcome(record);
  const final =
    last.kind === 'answer'
      ? String(last.status)
      : last.kind === 'timeout'
        ? 'timeout'
        : `${last.kind}:${last.code}`;
  return { delivery: record.delivery, acked: isAcked(record), retries: record.attempts.length - 1, final };
}

export function outcomeOfSimulationResult(result: DeliveryResult): DeliveryOutcome {
  const acked = typeof result.status === 'number' && result.status >= 200 && result.status < 300;
  return {
    delivery: result.delivery,
    acked,
    retries: result.attempts - 1,
    final: result.status === 'error' ? `error:${result.error ?? ''}` : String(result.status),
  };
}

export interface AckedEvent {
  kind: string;
  id: string;
}

/** Event keys of the valid deliveries that got a 2xx, with their entity; and the count of such deliveries. */
function ackedEvents(outcomes: readonly DeliveryOutcome[]): {
  keys: Map<string, AckedEvent>;
  deliveries: number;
} {
  const keys = new Map<string, AckedEvent>();
  let deliveries = 0;
  for (const record of outcomes) {
    if (!isValidDelivery(record.delivery) || !record.acked) continue;
    deliveries += 1;
    keys.set(eventKeyOfBody(record.delivery.body), record.delivery.entity);
  }
  return { keys, deliveries };
}

/** The dedupe record's key (docs/architecture.md, "Entity keys in Redis"). */
function seenKey(kind: string, id: string, eventKey: string): string {
  return `${QUEUE_PREFIX}:{${kind}:${encodeURIComponent(id)}}:seen:${eventKey}`;
}

/** The BullMQ job hash of a dead-letter entry (prefix `{ripio}`, queue `dead-letter`, job id = event key). */
function deadLetterJobKey(eventKey: string): string {
  return `{${QUEUE_PREFIX}}:dead-letter:${eventKey}`;
}

/** Acknowledged events that have neither a dedupe record nor a dead-letter entry yet. */
async function unsettled(redis: Redis, keys: ReadonlyMap<string, AckedEvent>): Promise<string[]> {
  const entries = [...keys.entries()];
  const pending: string[] = [];
  for (let start = 0; start < entries.length; start += 1_000) {
    const batch = entries.slice(start, start + 1_000);
    const pipeline = redis.pipeline();
    for (const [eventKey, { kind, id }] of batch) {
      pipeline.exists(seenKey(kind, id, eventKey), deadLetterJobKey(eventKey));
    }
    const replies = (await pipeline.exec()) ?? [];
    batch.forEach(([eventKey], index) => {
      const [error, count] = replies[index] ?? [null, 0];
      if (error !== null || count === 0) pending.push(eventKey);
    });
  }
  return pending;
}

/**
 * Waits until the workers have dealt with every acknowledged event: each has a dedupe record (applied, late,
 * conflict) or a dead-letter entry. Bounded; on timeout the error lists a few of the events still pending.
 */
export async function waitUntilSettled(
  stack: Stack,
  keys: ReadonlyMap<string, AckedEvent>,
  maxPolls = 1_200,
): Promise<void> {
  const redis = stack.redisClient();
  let last: string[] = [];
  try {
    await pollUntil(
      { what: 'every acknowledged event to be processed', maxPolls, intervalMs: 250 },
      async () => {
        last = await unsettled(redis, keys);
        return last.length === 0 ? true : undefined;
      },
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}; ${last.length} pending, e.g. ${last.slice(0, 5).join(', ')}`,
      {
        cause: error,
      },
    );
  }
}

export interface Verdict {
  row: ScenarioRow;
  /** Up to 20 examples of each problem, for assertion messages. */
  examples: {
    wrongStatus: string[];
    lost: string[];
    stateDoubleApplied: string[];
    handlerDoubleApplied: string[];
    handlerMissed: string[];
    unacknowledged: string[];
  };
  /** Outcomes recorded in history, by event key. */
  outcomesByKey: Map<string, string[]>;
  /** Ledger counts by event key (handler completions). */
  ledger: Map<string, number>;
  deadLetters: DeadLetterEntry[];
  entities: Map<string, EntityRecord | undefined>;
  /** Entities of `extraAcked` events, by `kind/id`. */
  extraEntities: Map<string, EntityRecord | undefined>;
  ackedKeys: Map<string, AckedEvent>;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= items.length) return;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, () => lane()));
  return results;
}

export async function readLedger(redis: Redis): Promise<Map<string, number>> {
  const raw = await redis.hgetall(`${LEDGER_PREFIX}:ledger`);
  return new Map(Object.entries(raw).map(([key, value]) => [key, Number(value)]));
}

export interface VerifyInput {
  scenario: string;
  plan: SimulationPlan;
  outcomes: readonly DeliveryOutcome[];
  /** Requests sent outside the plan (hostile input), counted in `sent`. */
  extraSent?: number;
  /** Events acknowledged outside the plan (signed hostile input): settled and checked for loss like the rest. */
  extraAcked?: ReadonlyMap<string, AckedEvent>;
  note: string;
}

/**
 * Settles, then reads the outcome through the admin API (every planned entity, the whole DLQ) and the handler
 * ledger, and computes the scenario's row: lost, double-applied, wrong statuses and the rest.
 */
export async function verifyScenario(stack: Stack, input: VerifyInput): Promise<Verdict> {
  const { keys: plannedKeys, deliveries: ackedValid } = ackedEvents(input.outcomes);
  const ackedKeys = new Map([...plannedKeys, ...(input.extraAcked ?? new Map<string, AckedEvent>())]);
  await waitUntilSettled(stack, ackedKeys);
  const admin = new AdminApi(stack.adminUrl, stack.adminToken);
  const fetched = await mapLimit(input.plan.entities, 16, async (entity) => {
    const record = await admin.entity(entity.kind, entity.id);
    return [`${entity.kind}/${entity.id}`, record] as const;
  });
  const entities = new Map(fetched);
  const extraIds = [
    ...new Set([...(input.extraAcked?.values() ?? [])].map(({ kind, id }) => `${kind}/${id}`)),
  ];
  const extraEntities = new Map(
    await mapLimit(extraIds, 8, async (ref) => {
      const [kind = '', id = ''] = ref.split('/');
      return [ref, await admin.entity(kind, id)] as const;
    }),
  );
  const deadLetters = await admin.deadLetters();
  const ledger = await readLedger(stack.redisClient());

  const outcomesByKey = new Map<string, string[]>();
  for (const record of [...entities.values(), ...extraEntities.values()]) {
    for (const entry of record?.history ?? []) {
      outcomesByKey.set(entry.eventKey, [...(outcomesByKey.get(entry.eventKey) ?? []), entry.outcome]);
    }
  }
  const deadLetterKeys = new Set(deadLetters.map((entry) => entry.eventKey));

  const wrongStatus = input.plan.entities
    .filter((entity) => entities.get(`${entity.kind}/${entity.id}`)?.status !== entity.expectedStatus)
    .map((entity) => {
      const got = entities.get(`${entity.kind}/${entity.id}`)?.status ?? 'missing';
      return `${entity.kind}/${entity.id} (${entity.flow}): expected ${entity.expectedStatus}, got ${got}`;
    });
  const lost = [...ackedKeys.keys()].filter((key) => !outcomesByKey.has(key) && !deadLetterKeys.has(key));
  const appliedKeys = [...outcomesByKey.entries()].filter(([, outcomes]) => outcomes.includes('applied'));
  const stateDoubleApplied = appliedKeys
    .filter(([, outcomes]) => outcomes.filter((outcome) => outcome === 'applied').length > 1)
    .map(([key]) => key);
  const handlerDoubleApplied = [...ledger.entries()]
    .filter(([, count]) => count > 1)
    .map(([key, count]) => `${key} x${count}`);
  const handlerMissed = appliedKeys.filter(([key]) => (ledger.get(key) ?? 0) === 0).map(([key]) => key);
  const lateOrConflict = [...outcomesByKey.values()].filter((outcomes) =>
    outcomes.some((outcome) => outcome === 'late' || outcome === 'conflict'),
  ).length;
  const unacknowledged = input.outcomes
    .filter((outcome) => isValidDelivery(outcome.delivery) && !outcome.acked)
    .map((outcome) => `${outcome.delivery.eventType ?? '?'} ${outcome.final}`);

  const row: ScenarioRow = {
    scenario: input.scenario,
    sent: input.outcomes.length + (input.extraSent ?? 0),
    acked: input.outcomes.filter((outcome) => outcome.acked).length,
    retried: input.outcomes.reduce((sum, outcome) => sum + outcome.retries, 0),
    applied: appliedKeys.length,
    duplicatesAbsorbed: ackedValid - plannedKeys.size,
    lateOrConflict,
    deadLettered: deadLetters.length,
    lost: lost.length,
    doubleApplied: handlerDoubleApplied.length,
    wrongStatus: wrongStatus.length,
    note: input.note,
  };
  const first = (list: string[]): string[] => list.slice(0, 20);
  return {
    row,
    examples: {
      wrongStatus: first(wrongStatus),
      lost: first(lost),
      stateDoubleApplied: first(stateDoubleApplied),
      handlerDoubleApplied: first(handlerDoubleApplied),
      handlerMissed: first(handlerMissed),
      unacknowledged: first(unacknowledged),
    },
    outcomesByKey,
    ledger,
    deadLetters,
    entities,
    extraEntities,
    ackedKeys,
  };
}
