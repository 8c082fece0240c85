import { randomUUID } from 'node:crypto';
import { expectedFinalStatus, FLOWS, type Flow } from '@ripio-webhooks/core';
import { eventKeyOfEvent, parseEvent, sampleEvent, type SampleEnvelope } from '@ripio-webhooks/schemas';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { seededRandom, shuffle, WorkerTestWorld } from './worker.test-helpers.js';

const ENTITIES = 320;
const COPY_PROBABILITY = 0.35;

interface PlannedEntity {
  flow: Flow;
  entityId: string;
  envelopes: SampleEnvelope[];
}

function planEntities(): PlannedEntity[] {
  const base = Date.parse('2026-03-01T10:00:00.000Z');
  return Array.from({ length: ENTITIES }, (_, index) => {
    const flow = FLOWS[index % FLOWS.length]!;
    const entityId = randomUUID();
    const envelopes = flow.events.map((eventType, step) =>
      sampleEvent(eventType, {
        entityId,
        issueDatetime: new Date(base + index * 1_000 + step * 60_000).toISOString(),
      }),
    );
    return { flow, entityId, envelopes };
  });
}

describe('a shuffled stream with duplicates over hundreds of entities, 3 workers at concurrency 6', () => {
  let world: WorkerTestWorld | undefined;
  afterEach(async () => {
    await world?.close();
  });

  it('ends every entity in its expected status and runs the handler once per applied event', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const seen: string[] = [];
    const random = seededRandom(20_260_301);
    const entities = planEntities();
    const deliveries: Array<{ envelope: SampleEnvelope; copy: number }> = [];
    for (const entity of entities) {
      for (const envelope of entity.envelopes) {
        deliveries.push({ envelope, copy: 0 });
        if (random() < COPY_PROBABILITY) deliveries.push({ envelope, copy: 1 });
        if (random() < COPY_PROBABILITY / 3) deliveries.push({ envelope, copy: 2 });
      }
    }
    const stream = shuffle(deliveries, random);
    const copies = stream.filter((delivery) => delivery.copy > 0).length;
    expect(copies).toBeGreaterThan(100);

    // The whole stream waits in the queue before the workers start, so 18 slots take events at once.
    for (const { envelope, copy } of stream) await world.enqueue(envelope, { copy });
    const done = world.completions(stream.length);
    world.startWorkers(3, {
      concurrency: 6,
      handlers: {
        '*': ({ eventKey, outcome }) => {
          expect(outcome).toBe('applied');
          seen.push(eventKey);
        },
      },
    });

    await done;

    const appliedInHistory: string[] = [];
    let duplicatesRecorded = 0;
    for (const { flow, entityId, envelopes } of entities) {
      const record = await world.entities.get(flow.kind, entityId);
      expect(record, `${flow.name} ${entityId}`).toBeDefined();
      expect(record!.status, `${flow.name} ${entityId}`).toBe(expectedFinalStatus(flow));
      // Every event of the entity was recorded once (not counting duplicate entries), whatever the order.
      const keys = envelopes.map((envelope) => {
        const parsed = parseEvent(envelope);
        if (!parsed.ok) throw new Error(parsed.issues.join('; '));
        return eventKeyOfEvent(parsed.event);
      });
      const firstDeliveries = record!.history.filter((entry) => entry.outcome !== 'duplicate');
      expect(firstDeliveries.map((entry) => entry.eventKey).sort()).toEqual([...keys].sort());
      duplicatesRecorded += record!.history.length - firstDeliveries.length;
      const applied = firstDeliveries.filter((entry) => entry.outcome === 'applied');
      // One version per commit that wrote the entity (applied, late, conflict), none for a duplicate.
      expect(record!.version).toBe(firstDeliveries.length);
      appliedInHistory.push(...applied.map((entry) => entry.eventKey));
    }

    expect(duplicatesRecorded).toBe(copies);
    expect(seen.length).toBe(new Set(seen).size);
    expect([...seen].sort()).toEqual([...appliedInHistory].sort());
    expect(await world.deadLetters.list({ limit: 10 })).toEqual({ entries: [] });
  });
});
