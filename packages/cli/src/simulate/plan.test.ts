import { describe, expect, it } from 'vitest';
import { expectedFinalStatus, FLOWS, verifyRipioSignature } from '@ripio-webhooks/core';
import { eventKeyOf, parseEvent, toRipioJson } from '@ripio-webhooks/schemas';
import { flowsByFamily } from './flows-by-family.js';
import { planSimulation, type SimulationOptions } from './plan.js';

const base: SimulationOptions = {
  seed: 'plan-test',
  entities: 60,
  startAt: '2026-05-19T14:30:00.000Z',
  secret: 'whsec_plan',
  duplicates: 0.3,
  shuffle: true,
  bad: 0.1,
  jitterMs: 20,
};

describe('planSimulation', () => {
  it('is deterministic for a seed', () => {
    expect(planSimulation(base)).toEqual(planSimulation(base));
  });

  it('changes with the seed', () => {
    const other = planSimulation({ ...base, seed: 'another seed' });
    expect(other.entities.map((entity) => entity.id)).not.toEqual(
      planSimulation(base).entities.map((e) => e.id),
    );
  });

  it('takes every expected status from expectedFinalStatus of the chosen flow', () => {
    const plan = planSimulation(base);
    for (const entity of plan.entities) {
      const flow = FLOWS.find((candidate) => candidate.name === entity.flow);
      expect(flow).toBeDefined();
      expect(entity.expectedStatus).toBe(expectedFinalStatus(flow!));
      expect(entity.kind).toBe(flow!.kind);
    }
  });

  it('uses only documented flows unless inferred ones are asked for', () => {
    const documented = new Set(FLOWS.filter((flow) => flow.documented).map((flow) => flow.name));
    expect(planSimulation(base).entities.every((entity) => documented.has(entity.flow))).toBe(true);
    const withInferred = planSimulation({ ...base, entities: 300, includeInferred: true });
    expect(withInferred.entities.some((entity) => !documented.has(entity.flow))).toBe(true);
  });

  it('spreads entities over the chosen families only', () => {
    const plan = planSimulation({ ...base, families: ['off-ramp', 'kyc'], includeInferred: true });
    expect(new Set(plan.entities.map((entity) => entity.kind))).toEqual(new Set(['off-ramp', 'kyc']));
    expect(() => planSimulation({ ...base, families: ['kyc'] })).toThrow(/no flow for kyc .*inferred/);
  });

  it('delivers every event of every entity, signed over Ripio serialization, parseable, with the right entity', () => {
    const plan = planSimulation(base);
    const valid = plan.deliveries.filter((delivery) => delivery.kind === 'event');
    expect(valid).toHaveLength(plan.events);
    expect(plan.events).toBe(plan.entities.reduce((sum, entity) => sum + entity.events.length, 0));
    for (const delivery of valid) {
      const body = Buffer.from(delivery.body);
      expect(
        verifyRipioSignature(body, { 'x-wh-signature-256': delivery.signature }, [base.secret]).outcome,
      ).toBe('valid');
      expect(delivery.body).toBe(toRipioJson(JSON.parse(delivery.body)));
      const parsed = parseEvent(JSON.parse(delivery.body));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.event.kind).toBe(delivery.entity?.kind);
      expect(parsed.event.entityId).toBe(delivery.entity?.id);
      expect(parsed.event.eventType).toBe(delivery.eventType);
    }
  });

  it('gives the events of one entity distinct keys and issue times in flow order', () => {
    const plan = planSimulation(base);
    for (const entity of plan.entities) {
      const deliveries = plan.deliveries.filter((d) => d.kind === 'event' && d.entity?.id === entity.id);
      const keys = deliveries.map((d) => eventKeyOf(parseEvent(JSON.parse(d.body)), d.body));
      expect(new Set(keys).size).toBe(entity.events.length);
      const byType = new Map(
        deliveries.map((d) => [d.eventType, (JSON.parse(d.body) as { issueDatetime: string }).issueDatetime]),
      );
      const times = entity.events.map((type) => Date.parse(byType.get(type) ?? ''));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });

  it('sends duplicates as byte-identical copies after their original', () => {
    const plan = planSimulation(base);
    const duplicates = plan.deliveries.filter((delivery) => delivery.kind === 'duplicate');
    expect(duplicates.length).toBeGreaterThan(0);
    for (const duplicate of duplicates) {
      const originalIndex = plan.deliveries.findIndex((d) => d.kind === 'event' && d.body === duplicate.body);
      expect(originalIndex).toBeGreaterThanOrEqual(0);
      expect(plan.deliveries.indexOf(duplicate)).toBeGreaterThan(originalIndex);
      expect(duplicate.signature).toBe(plan.deliveries[originalIndex]!.signature);
    }
  });

  it('keeps the flow order within an entity when not shuffling', () => {
    const plan = planSimulation({ ...base, shuffle: false, duplicates: 0, bad: 0 });
    for (const entity of plan.entities) {
      const sent = plan.deliveries.filter((d) => d.entity?.id === entity.id).map((d) => d.eventType);
      expect(sent).toEqual(entity.events);
    }
  });

  it('shuffles within an entity when asked', () => {
    const plan = planSimulation({ ...base, entities: 200, shuffle: true, duplicates: 0, bad: 0 });
    const outOfOrder = plan.entities.filter((entity) => {
      const sent = plan.deliveries.filter((d) => d.entity?.id === entity.id).map((d) => d.eventType);
      return sent.join() !== entity.events.join();
    });
    expect(outOfOrder.length).toBeGreaterThan(0);
  });

  it('mixes in bad requests that cannot touch an expected entity', () => {
    const plan = planSimulation(base);
    const bad = plan.deliveries.filter((d) => d.kind !== 'event' && d.kind !== 'duplicate');
    const valid = plan.deliveries.length - bad.length;
    expect(bad.length).toBe(Math.round(valid * 0.1));
    const expectedIds = new Set(plan.entities.map((entity) => entity.id));
    for (const delivery of bad) {
      expect(delivery.entity).toBeUndefined();
      const body = Buffer.from(delivery.body);
      const check = verifyRipioSignature(body, { 'x-wh-signature-256': delivery.signature }, [base.secret]);
      switch (delivery.kind) {
        case 'wrong_secret':
          expect(check.outcome).toBe('mismatch');
          break;
        case 'missing_signature':
          expect(check.outcome).toBe('missing');
          break;
        case 'malformed_json':
          expect(check.outcome).toBe('valid');
          expect(() => JSON.parse(delivery.body) as unknown).toThrow();
          break;
        case 'event':
        case 'duplicate':
          throw new Error(`a ${delivery.kind} delivery was counted as bad`);
        default: {
          const unreachable: never = delivery.kind;
          throw new Error(`unexpected kind ${String(unreachable)}`);
        }
      }
      if (delivery.kind !== 'malformed_json') {
        const parsed = parseEvent(JSON.parse(delivery.body));
        expect(parsed.ok && expectedIds.has(parsed.event.entityId)).toBe(false);
      }
    }
  });

  it('rejects shares outside 0..1', () => {
    expect(() => planSimulation({ ...base, duplicates: 1.5 })).toThrow(RangeError);
    expect(() => planSimulation({ ...base, bad: -0.1 })).toThrow(RangeError);
  });

  it('groups flows by family from the catalog', () => {
    const grouped = flowsByFamily(['sell-and-pay'], false);
    const names = (grouped.get('sell-and-pay') ?? []).map((flow) => flow.name);
    expect(names).toContain('sell-and-pay-orphan-deposit');
    expect([...grouped.keys()]).toEqual(['sell-and-pay']);
  });
});
