import { describe, expect, it } from 'vitest';
import { AdminApi } from '../harness/admin-api.js';
import { flowKeysByEntity, flowOrderProblems, readRuns, sendInFlowOrder } from '../harness/flow-order.js';
import { assertPromiseKept, planFor, scaled, useStack } from '../harness/scenario.js';
import { LEDGER_PREFIX } from '../harness/stack.js';
import { outcomeOfRecord, verifyScenario } from '../harness/verify.js';
import { pollUntil } from '../harness/wait.js';

// A retry horizon of 25 attempts 100 ms .. 1 s apart: many seconds, far longer than the blip below.
const RETRY_SCHEDULE = ['100ms', '200ms', '400ms', '800ms', ...Array.from({ length: 20 }, () => '1s')].join(
  ',',
);

describe('8 the handlers downstream blips while multi-event flows arrive in order', () => {
  const stack = useStack({
    name: '08-downstream-blip',
    workers: 2,
    env: { worker: { RETRY_SCHEDULE } },
  });

  it('runs every event handler exactly once, per entity in flow order, and none lands late', async () => {
    const s = stack();
    const redis = s.redisClient();
    const admin = new AdminApi(s.adminUrl, s.adminToken);
    // Multi-event flows only (the families whose flows have several events), sent in each entity's flow order.
    const plan = planFor(s, {
      entities: scaled(48),
      families: ['on-ramp', 'off-ramp', 'sell-and-pay', 'kyc'],
      duplicates: 0,
      shuffle: false,
    });
    const flows = flowKeysByEntity(plan);
    const firstKeys = [...flows.values()].map((keys) => keys[0] ?? '');
    expect([...flows.values()].filter((keys) => keys.length > 1).length).toBeGreaterThan(flows.size / 2);

    // The downstream goes away before the first event and comes back once every entity's first event has failed
    // at least once and every event was acknowledged: a few seconds, inside the retry horizon.
    await redis.set(`${LEDGER_PREFIX}:down`, '1');
    const records = await sendInFlowOrder(plan, s.webhookUrl, 16);
    await pollUntil({ what: "every entity's first event to fail once", maxPolls: 600 }, async () => {
      const failed = await redis.hmget(`${LEDGER_PREFIX}:failures`, ...firstKeys);
      return failed.every((count) => Number(count ?? '0') > 0) ? true : undefined;
    });
    await redis.del(`${LEDGER_PREFIX}:down`);

    const verdict = await verifyScenario(s, {
      scenario: '8 downstream blip',
      plan,
      outcomes: records.map(outcomeOfRecord),
      note: `${plan.entities.length} entities, flows in order, every handler failing until each entity's first event had failed`,
    });
    assertPromiseKept(verdict);

    // Every event applied (in order, nothing is late), its handler completed exactly once, in flow order.
    const notApplied = [...verdict.ackedKeys.keys()].filter(
      (key) => JSON.stringify(verdict.outcomesByKey.get(key)) !== '["applied"]',
    );
    expect(
      notApplied.map((key) => `${key}: ${(verdict.outcomesByKey.get(key) ?? []).join(',')}`),
      'events not applied exactly once',
    ).toEqual([]);
    expect(flowOrderProblems(flows, await readRuns(redis)), 'handlers out of flow order').toEqual([]);
    expect(verdict.deadLetters).toEqual([]);
    expect(await admin.holds()).toEqual([]);
  });
});
