import { randomUUID } from 'node:crypto';
import { sampleEvent, toRipioJson } from '@ripio-webhooks/schemas';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  INTAKE_PROOF_KEY,
  proofFor,
  receiverJobOf,
  WorkerTestWorld,
  type StartedWorker,
} from './worker.test-helpers.js';
import type { WorkerMetrics } from './metrics.js';

const ISSUED = '2026-03-01T10:00:00.000Z';
const OLD_PROOF_KEY = 'worker-tests-old-intake-proof-key-0123456789';
const UNKNOWN_KEY = 'a-key-no-receiver-of-ours-holds-0123456789';

/** A closed-account event for a new entity: its body, and the entity id to look it up by. */
function accountClosed(): { entityId: string; body: string } {
  const entityId = randomUUID();
  return { entityId, body: toRipioJson(sampleEvent('ACCOUNT.CLOSED', { entityId, issueDatetime: ISSUED })) };
}

async function counted(metrics: WorkerMetrics): Promise<{ deadLettered: number; processed: number }> {
  const deadLettered = (await metrics.deadLettered.get()).values.find((v) => v.labels.reason === 'unsigned');
  const processed = (await metrics.processed.get()).values
    .filter((v) => v.labels.outcome === 'unsigned')
    .reduce((sum, v) => sum + v.value, 0);
  return { deadLettered: deadLettered?.value ?? 0, processed };
}

describe('jobs without a receiver proof (real Redis, real BullMQ workers, real processor)', () => {
  let world: WorkerTestWorld;
  afterEach(async () => {
    await world.close();
  });

  it('dead-letters jobs added straight to the queue as `unsigned`: no handler, no entity, counted', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const handled: string[] = [];
    const [{ metrics }] = world.startWorkers(1, {
      handlers: { '*': ({ eventKey }) => void handled.push(eventKey) },
    }) as [StartedWorker];

    // What someone with write access to Redis (or an admin app that allowed adding jobs) could put there.
    const noProof = accountClosed();
    const { proof: _proof, ...unproven } = receiverJobOf(noProof.body).data;
    const otherBody = accountClosed();
    const genuineEvent = accountClosed();
    const genuine = receiverJobOf(genuineEvent.body).data;
    const swapped = { ...receiverJobOf(otherBody.body).data, rawBody: genuine.rawBody };
    const swappedBack = { ...genuine, rawBody: otherBody.body };
    const foreignKey = accountClosed();
    const foreign = receiverJobOf(foreignKey.body, { proofKeys: [UNKNOWN_KEY] }).data;
    const movedKey = { ...genuine, eventKey: `${genuine.eventKey}-2` };
    const forged = [
      { id: 'no-proof', data: unproven },
      { id: 'proof-of-another-body', data: swapped },
      { id: 'body-swapped-under-a-proof', data: swappedBack },
      { id: 'mac-of-an-unknown-key', data: foreign },
      { id: 'proof-of-another-event-key', data: movedKey },
      { id: 'not-an-event-job', data: { rawBody: 42 } },
      { id: 'not-an-object', data: 'hello' },
    ];
    const done = world.completions(forged.length);
    for (const { id, data } of forged) await world.addRaw(id, data);
    await done;

    expect(handled).toEqual([]);
    for (const { entityId } of [noProof, otherBody, foreignKey, genuineEvent]) {
      expect(await world.entities.get('account', entityId)).toBeUndefined();
    }
    for (const { id } of forged) {
      const job = await world.events.getJob(id);
      expect(job?.returnvalue, id).toEqual({ result: 'dead-lettered', reason: 'unsigned' });
      expect(job?.attemptsMade, id).toBe(1);
    }
    const entries = (await world.deadLetters.list({ limit: 100 })).entries;
    expect(entries).toHaveLength(forged.length);
    expect(entries.every((entry) => entry.reason === 'unsigned' && entry.attemptsMade === 0)).toBe(true);
    const foreignEntry = await world.deadLetters.get(foreign.eventKey);
    expect(foreignEntry).toMatchObject({ reason: 'unsigned', eventType: 'ACCOUNT.CLOSED' });
    expect(foreignEntry?.error).toContain('proof_mismatch');
    expect((await world.deadLetters.get(unproven.eventKey))?.error).toContain('no_proof');
    expect(await counted(metrics)).toEqual({ deadLettered: forged.length, processed: forged.length });

    // The same worker applies a job the receiver proved, and runs its handler.
    const applied = world.completions(1);
    const proven = await world.enqueue(genuine.rawBody);
    await applied;
    expect(handled).toEqual([proven.eventKey]);
    expect((await world.entities.get('account', genuineEvent.entityId))?.status).toBeDefined();
    expect((await world.events.getJob(proven.eventKey))?.returnvalue).toEqual({
      result: 'committed',
      outcome: 'applied',
    });
  });

  it('replays an unsigned dead letter into the same verdict: still no handler', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    let calls = 0;
    world.startWorkers(1, { handlers: { '*': () => void (calls += 1) } });
    const { body } = accountClosed();
    const foreign = receiverJobOf(body, { proofKeys: [UNKNOWN_KEY] }).data;
    let done = world.completions(1);
    await world.addRaw(foreign.eventKey, foreign);
    await done;
    done = world.completions(1);
    expect((await world.deadLetters.replay(foreign.eventKey)).outcome).toBe('replayed');
    await done;
    expect(calls).toBe(0);
    expect((await world.events.getJob(foreign.eventKey))?.returnvalue).toEqual({
      result: 'dead-lettered',
      reason: 'unsigned',
    });
  });

  it('verifies a MAC of any INTAKE_PROOF_KEYS key (rotation), and falls back to Ripio signature when given the secrets', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const handled: string[] = [];
    const handlers = { '*': ({ eventKey }: { eventKey: string }) => void handled.push(eventKey) };
    // A worker that holds the new and the old key, and Ripio's secret.
    world.startWorkers(1, {
      handlers,
      proofKeys: [INTAKE_PROOF_KEY, OLD_PROOF_KEY],
      ripioSecrets: ['worker-tests-ripio-secret'],
    });
    const done = world.completions(3);
    const oldKey = await world.enqueue(accountClosed().body, { proofKeys: [OLD_PROOF_KEY] });
    const newKey = await world.enqueue(accountClosed().body, {
      proofKeys: [INTAKE_PROOF_KEY, OLD_PROOF_KEY],
    });
    // A MAC of a key nobody holds any more, but Ripio's header (kept in the proof) still verifies.
    const ripioOnly = await world.enqueue(accountClosed().body, { proofKeys: [UNKNOWN_KEY] });
    await done;
    expect(handled.sort()).toEqual([oldKey.eventKey, newKey.eventKey, ripioOnly.eventKey].sort());
    expect((await world.deadLetters.list({ limit: 10 })).entries).toEqual([]);
  });

  it("verifies a replayed dead letter by the receiver's MAC after Ripio's secret of its day was dropped", async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    let fixed = false;
    const handled: string[] = [];
    // The worker holds only Ripio's new secret: the event was signed with the old one, since dropped.
    world.startWorkers(1, {
      ripioSecrets: ['ripio-secret-after-the-rotation'],
      handlers: {
        'ACCOUNT.CLOSED': ({ eventKey }) => {
          if (!fixed) throw new Error('ledger down');
          handled.push(eventKey);
        },
      },
    });
    let done = world.completions(1);
    const event = await world.enqueue(accountClosed().body, {
      ripioSecret: 'ripio-secret-before-the-rotation',
    });
    await done;
    expect((await world.deadLetters.get(event.eventKey))?.reason).toBe('handler_failed');

    fixed = true;
    done = world.completions(1);
    await world.deadLetters.replay(event.eventKey);
    await done;
    const replayed = await world.events.getJob(event.eventKey);
    expect(replayed?.data.proof).toEqual(event.proof);
    expect(replayed?.data.replayedAt).toBeDefined();
    expect(replayed?.returnvalue).toEqual({ result: 'committed', outcome: 'applied' });
    expect(handled).toEqual([event.eventKey]);
  });

  it('checks the proof before the body: a job with an unparseable body and no proof is unsigned, not invalid', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    world.startWorkers(1);
    const subject = { rawBody: '{"eventType": ', eventKey: 'raw|x', receivedAt: ISSUED };
    const done = world.completions(2);
    await world.addRaw('unproven', { ...subject, bodySha256: '', requestId: 'r', eventType: null });
    await world.addRaw('proven', {
      ...subject,
      eventKey: 'raw|y',
      bodySha256: '',
      requestId: 'r',
      eventType: null,
      proof: proofFor({ ...subject, eventKey: 'raw|y' }),
    });
    await done;
    expect((await world.events.getJob('unproven'))?.returnvalue).toEqual({
      result: 'dead-lettered',
      reason: 'unsigned',
    });
    expect((await world.events.getJob('proven'))?.returnvalue).toEqual({
      result: 'dead-lettered',
      reason: 'invalid',
    });
  });
});
