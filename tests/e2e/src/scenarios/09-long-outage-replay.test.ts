import { FLOWS } from '@ripio-webhooks/core';
import type { SimulationPlan } from '@ripio-webhooks/cli';
import type { HeldEntity } from '@ripio-webhooks/contracts';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { AdminApi } from '../harness/admin-api.js';
import { flowKeysByEntity, flowOrderProblems, readRuns, sendInFlowOrder } from '../harness/flow-order.js';
import { assertPromiseKept, planFor, scaled, useStack } from '../harness/scenario.js';
import { LEDGER_PREFIX, type Stack } from '../harness/stack.js';
import {
  outcomeOfRecord,
  readLedger,
  verifyScenario,
  waitUntilSettled,
  type AckedEvent,
} from '../harness/verify.js';
import { pollUntil } from '../harness/wait.js';

// The whole retry horizon is 3 attempts 50 and 100 ms apart: well under a second, so the outage outlasts it.
const MAX_ATTEMPTS = 3;
const RETRY_SCHEDULE = '50ms,100ms';

/** Every documented flow, for several entities each (the plan picks flows at random: enough entities cover all). */
function documentedPlan(s: Stack, seed: string): SimulationPlan {
  const plan = planFor(s, {
    entities: scaled(60),
    includeInferred: false,
    duplicates: 0,
    shuffle: false,
    seed,
  });
  const documented = FLOWS.filter((flow) => flow.documented).map((flow) => flow.name);
  expect(new Set(plan.entities.map((entity) => entity.flow))).toEqual(new Set(documented));
  return plan;
}

async function holdsOf(
  admin: AdminApi,
  flows: ReadonlyMap<string, readonly string[]>,
): Promise<HeldEntity[]> {
  return (await admin.holds()).filter((held) => flows.has(`${held.kind}/${held.id}`));
}

/**
 * Sends the plan in flow order with the downstream down, and waits until each entity's first event is
 * dead-lettered and every later event is parked behind it (each entity on hold, the blocker dead-lettered).
 */
async function sendThroughOutage(s: Stack, redis: Redis, admin: AdminApi, plan: SimulationPlan) {
  const flows = flowKeysByEntity(plan);
  await redis.set(`${LEDGER_PREFIX}:down`, '1');
  const records = await sendInFlowOrder(plan, s.webhookUrl, 16);
  expect(records.every((record) => outcomeOfRecord(record).acked)).toBe(true);
  const expectedParked = [...flows.values()].reduce((sum, keys) => sum + keys.length - 1, 0);
  const held = await pollUntil(
    { what: 'every entity on hold behind its dead-lettered first event', maxPolls: 600 },
    async () => {
      const holds = await holdsOf(admin, flows);
      const parked = holds.reduce((sum, entity) => sum + entity.parked, 0);
      const settled = holds.length === flows.size && parked === expectedParked;
      return settled && holds.every((entity) => entity.hold.state === 'dead_lettered') ? holds : undefined;
    },
  );
  // Each hold's blocker is its entity's first event, and the dead-letter list says whom it holds.
  const firstKeys = new Map([...flows].map(([ref, keys]) => [ref, keys[0] ?? '']));
  expect(held.map((entity) => entity.hold.blocker).sort()).toEqual([...firstKeys.values()].sort());
  const dead = await admin.deadLetters();
  for (const [ref, keys] of flows) {
    const entry = dead.find((candidate) => candidate.eventKey === keys[0]);
    const [kind, id] = ref.split('/');
    expect(entry?.holds, ref).toEqual({ kind, id, parked: keys.length - 1 });
  }
  await redis.del(`${LEDGER_PREFIX}:down`);
  return { records, flows, firstKeys };
}

function ackedOf(
  plan: SimulationPlan,
  flows: ReadonlyMap<string, readonly string[]>,
): Map<string, AckedEvent> {
  const acked = new Map<string, AckedEvent>();
  for (const entity of plan.entities) {
    for (const key of flows.get(`${entity.kind}/${entity.id}`) ?? []) {
      acked.set(key, { kind: entity.kind, id: entity.id });
    }
  }
  return acked;
}

describe('9 a downstream outage longer than the retry horizon, then a replay or a release', () => {
  const stack = useStack({
    name: '09-long-outage-replay',
    workers: 2,
    env: { worker: { RETRY_SCHEDULE } },
  });

  it('bulk replay after the fix runs every handler exactly once, in flow order, nothing late, no hold left', async () => {
    const s = stack();
    const redis = s.redisClient();
    const admin = new AdminApi(s.adminUrl, s.adminToken);
    const plan = documentedPlan(s, 'outage-replay');
    const { records, flows } = await sendThroughOutage(s, redis, admin, plan);

    // Bulk replay through the admin API, in pages, until nothing is left.
    for (let page = 0; page < 100; page += 1) {
      const answer = (await admin.replayDeadLetters({})) as { replayed: number; more: boolean };
      if (!answer.more) break;
    }
    const verdict = await verifyScenario(s, {
      scenario: '9 long outage + bulk replay',
      plan,
      outcomes: records.map(outcomeOfRecord),
      note: `${plan.entities.length} entities over every documented flow; downstream down past ${MAX_ATTEMPTS} attempts, then bulk replay`,
    });
    assertPromiseKept(verdict);
    const notApplied = [...verdict.ackedKeys.keys()].filter(
      (key) => JSON.stringify(verdict.outcomesByKey.get(key)) !== '["applied"]',
    );
    expect(
      notApplied.map((key) => `${key}: ${String(verdict.outcomesByKey.get(key))}`),
      'not applied once',
    ).toEqual([]);
    expect(flowOrderProblems(flows, await readRuns(redis)), 'handlers out of flow order').toEqual([]);
    expect(await admin.deadLetters()).toEqual([]);
    expect(await holdsOf(admin, flows)).toEqual([]);
  });

  it('an operator release (discard) records the release and applies the parked events in order', async () => {
    const s = stack();
    const redis = s.redisClient();
    const admin = new AdminApi(s.adminUrl, s.adminToken);
    const plan = documentedPlan(s, 'outage-release');
    const { flows, firstKeys } = await sendThroughOutage(s, redis, admin, plan);

    const reason = 'the order was settled by hand with the customer';
    for (const [ref, blocker] of firstKeys) {
      const [kind = '', id = ''] = ref.split('/');
      const report = await admin.release(kind, id, { eventKey: blocker, action: 'discard', reason });
      expect(report, ref).toMatchObject({ outcome: 'released', eventKey: blocker, deadLetterRemoved: true });
    }
    const discarded = new Set(firstKeys.values());
    const parkedKeys = new Map([...ackedOf(plan, flows)].filter(([key]) => !discarded.has(key)));
    await waitUntilSettled(s, parkedKeys);

    for (const [ref, keys] of flows) {
      const [kind = '', id = ''] = ref.split('/');
      const record = await admin.entity(kind, id);
      if (record === undefined) throw new Error(`${ref} is unknown to the admin API`);
      expect(record.onHold, ref).toBe(false);
      const released = record.history.flatMap((entry) =>
        'release' in entry ? [[entry.eventKey, entry.release.action, entry.release.reason]] : [],
      );
      expect(released, ref).toEqual([[keys[0], 'discard', reason]]);
      const parkedOutcomes = keys
        .slice(1)
        .map((key) => record.history.find((entry) => entry.eventKey === key)?.outcome);
      expect(parkedOutcomes, ref).toEqual(keys.slice(1).map(() => 'applied'));
    }
    const ledger = await readLedger(redis);
    expect(
      [...discarded].filter((key) => ledger.has(key)),
      'discarded blockers whose handler ran',
    ).toEqual([]);
    expect(
      flowOrderProblems(flows, await readRuns(redis), discarded),
      'parked handlers out of order',
    ).toEqual([]);
    const dead = await admin.deadLetters();
    expect(dead.filter((entry) => discarded.has(entry.eventKey))).toEqual([]);
    expect(await holdsOf(admin, flows)).toEqual([]);
  });
});
