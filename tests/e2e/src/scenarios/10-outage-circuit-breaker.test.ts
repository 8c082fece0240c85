import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApi } from '../harness/admin-api.js';
import { flowKeysByEntity, flowOrderProblems, readRuns, sendInFlowOrder } from '../harness/flow-order.js';
import { OutageDownstream } from '../harness/outage-downstream.js';
import { assertPromiseKept, planFor, scaled, useStack } from '../harness/scenario.js';
import { outcomeOfRecord, verifyScenario } from '../harness/verify.js';
import { pollUntil, sleep } from '../harness/wait.js';

/** A Standard Webhooks signing secret, as FORWARD_SECRET takes it. */
const forwardSecret = `whsec_${randomBytes(32).toString('base64')}`;
/**
 * A 30-minute outage against the default schedule (about 27.7 h), compressed: the outage lasts OUTAGE_MS, the
 * schedule's horizon (about 25 s) is still several times longer, and the breaker's window and open time shrink
 * with them.
 */
const OUTAGE_MS = 8_000;
const RETRY_SCHEDULE = '200ms,500ms,1s,2s,3s,4s,6s,8s';

describe('10 a downstream outage ridden out by outage-long retries and the circuit breaker', () => {
  let downstream: OutageDownstream | undefined;
  beforeAll(async () => {
    downstream = await OutageDownstream.reserve(forwardSecret);
  });
  afterAll(async () => {
    await downstream?.down();
  });
  // A function: the downstream's port exists only once the beforeAll above has run.
  const stack = useStack(() => ({
    name: '10-outage-circuit-breaker',
    workers: 2,
    env: {
      worker: {
        // The forwarder is the only handler: the downstream's own record is the ledger.
        HANDLERS_MODULE: '',
        FORWARD_URL: downstream?.url ?? '',
        FORWARD_SECRET: forwardSecret,
        // The downstream listens on loopback without TLS.
        FORWARD_ALLOW_HTTP: 'true',
        FORWARD_TIMEOUT_MS: '2000',
        RETRY_SCHEDULE,
        BREAKER_ENABLED: 'true',
        BREAKER_WINDOW_MS: '2000',
        BREAKER_MIN_CALLS: '5',
        BREAKER_FAILURE_RATIO: '0.5',
        BREAKER_OPEN_MS: '500',
      },
    },
  }));

  it('opens the breaker, dead-letters nothing, and after the outage applies everything once, in entity order', async () => {
    const s = stack();
    const redis = s.redisClient();
    const admin = new AdminApi(s.adminUrl, s.adminToken);
    if (downstream === undefined) throw new Error('no downstream');
    downstream.recordInto(redis);
    const plan = planFor(s, {
      entities: scaled(40),
      families: ['on-ramp', 'off-ramp', 'sell-and-pay', 'kyc'],
      duplicates: 0,
      shuffle: false,
    });
    const flows = flowKeysByEntity(plan);

    // The downstream is down from the start. Intake is unaffected: every delivery is acknowledged.
    const records = await sendInFlowOrder(plan, s.webhookUrl, 16);
    expect(records.every((record) => outcomeOfRecord(record).acked)).toBe(true);
    const opened = await pollUntil({ what: 'the circuit breaker to open', maxPolls: 300 }, async () => {
      const { breaker } = await admin.processing();
      return breaker.mode === 'closed' ? undefined : breaker;
    });
    expect(opened.reason).toMatch(/of the last \d+ handler calls failed/);
    // The outage goes on; the breaker holds the events back (probing one at a time), none is dead-lettered.
    await sleep(OUTAGE_MS);
    expect(await admin.deadLetters()).toEqual([]);
    expect((await admin.processing()).breaker.mode).not.toBe('closed');
    const workerMetrics = await (await fetch(`http://127.0.0.1:${s.workers[0]?.port}/metrics`)).text();
    expect(workerMetrics).toMatch(/ripio_worker_breaker_state\{state="(open|half_open)"\} 1/);

    await downstream.up();
    const verdict = await verifyScenario(s, {
      scenario: '10 outage + circuit breaker',
      plan,
      outcomes: records.map(outcomeOfRecord),
      note: `${plan.entities.length} entities in flow order; downstream down ${OUTAGE_MS} ms, retry schedule ${RETRY_SCHEDULE}`,
    });
    assertPromiseKept(verdict);
    const notApplied = [...verdict.ackedKeys.keys()].filter(
      (key) => JSON.stringify(verdict.outcomesByKey.get(key)) !== '["applied"]',
    );
    expect(notApplied, 'events not applied exactly once').toEqual([]);
    expect(
      flowOrderProblems(flows, await readRuns(redis)),
      'downstream saw events out of flow order',
    ).toEqual([]);
    expect(verdict.deadLetters).toEqual([]);
    expect(downstream.badSignatures).toBe(0);
    expect(await admin.holds()).toEqual([]);
    await pollUntil({ what: 'the circuit breaker to close', maxPolls: 300 }, async () =>
      (await admin.processing()).breaker.mode === 'closed' ? true : undefined,
    );
  });
});
