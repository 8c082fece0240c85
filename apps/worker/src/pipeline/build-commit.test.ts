import { progressAfter, type EntityProgress } from '@ripio-webhooks/core';
import { parseEvent, sampleEvent, type ParsedEvent } from '@ripio-webhooks/schemas';
import type { EntityState } from '@ripio-webhooks/store';
import { describe, expect, it } from 'vitest';
import { buildCommit } from './build-commit.js';

function parsed(eventType: Parameters<typeof sampleEvent>[0]): ParsedEvent {
  const result = parseEvent(
    sampleEvent(eventType, { entityId: 'tx-1', issueDatetime: '2026-03-01T10:00:00.000Z' }),
  );
  if (!result.ok) throw new Error(result.issues.join('; '));
  return result.event;
}

const before: EntityState = {
  kind: 'off-ramp',
  id: 'tx-1',
  status: 'DEPOSIT_RECEIVED',
  fields: { old: true },
  version: 3,
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:30:00.000Z',
};
const progress: EntityProgress = {
  status: 'DEPOSIT_RECEIVED',
  cycle: 1,
  cycleDiscriminator: null,
  recordedEvents: [{ eventType: 'OFF-RAMP.DEPOSIT.RECEIVED', discriminator: null }],
  earlierCycles: [],
};
const common = {
  eventKey: 'k',
  differingBody: undefined,
  token: 'lock-token',
  receivedAt: '2026-03-01T10:00:01.000Z',
  now: '2026-03-01T10:00:02.000Z',
  dedupeTtlSeconds: 600,
  historyLimit: 100,
  eventLog: undefined,
};

describe('buildCommit', () => {
  it('creates a new entity at version 1 for an applied event without one', () => {
    const event = parsed('OFF-RAMP.DEPOSIT.RECEIVED');
    const plan = buildCommit({
      ...common,
      event,
      before: undefined,
      progress: undefined,
      decision: { kind: 'applied', from: null, to: 'DEPOSIT_RECEIVED', newCycle: false },
    });
    expect(plan.next).toEqual({
      kind: 'off-ramp',
      id: 'tx-1',
      status: 'DEPOSIT_RECEIVED',
      fields: event.object,
      version: 1,
      createdAt: common.now,
      updatedAt: common.now,
      progress: {
        status: 'DEPOSIT_RECEIVED',
        cycle: 1,
        cycleDiscriminator: event.discriminator,
        recordedEvents: [{ eventType: 'OFF-RAMP.DEPOSIT.RECEIVED', discriminator: null }],
        earlierCycles: [],
      },
    });
    expect(plan.after).toBe(plan.next);
    expect(plan.history).toEqual({
      eventKey: 'k',
      eventType: 'OFF-RAMP.DEPOSIT.RECEIVED',
      issueDatetime: '2026-03-01T10:00:00.000Z',
      receivedAt: common.receivedAt,
      processedAt: common.now,
      outcome: 'applied',
      fromStatus: null,
      toStatus: 'DEPOSIT_RECEIVED',
      payload: event.object,
      cycle: 1,
    });
  });

  it('moves an existing entity, keeping createdAt and bumping the version', () => {
    const event = parsed('OFF-RAMP.TRADE.COMPLETED');
    const plan = buildCommit({
      ...common,
      event,
      before,
      progress,
      decision: { kind: 'applied', from: 'DEPOSIT_RECEIVED', to: 'TRADE_COMPLETED', newCycle: false },
    });
    expect(plan.next).toMatchObject({
      status: 'TRADE_COMPLETED',
      version: 4,
      createdAt: before.createdAt,
      updatedAt: common.now,
    });
    expect(plan.history).toMatchObject({ fromStatus: 'DEPOSIT_RECEIVED', toStatus: 'TRADE_COMPLETED' });
  });

  it('records a late event with its payload and progress, keeping the status and fields', () => {
    const event = parsed('OFF-RAMP.DEPOSIT.RECEIVED');
    const seen = { ...progress, status: 'TRADE_COMPLETED', recordedEvents: [] };
    const decision = {
      kind: 'late',
      status: 'TRADE_COMPLETED',
      eventStatus: 'DEPOSIT_RECEIVED',
      cycle: 1,
    } as const;
    const current = { ...before, status: 'TRADE_COMPLETED' };
    const plan = buildCommit({ ...common, event, before: current, progress: seen, decision });
    expect(plan.next).toEqual({
      ...current,
      version: 4,
      updatedAt: common.now,
      progress: progressAfter('off-ramp', seen, event, decision),
    });
    expect(plan.next?.progress?.recordedEvents).toEqual([
      { eventType: 'OFF-RAMP.DEPOSIT.RECEIVED', discriminator: null },
    ]);
    expect(plan.after).toBe(plan.next);
    expect(plan.history).toMatchObject({
      outcome: 'late',
      fromStatus: 'TRADE_COMPLETED',
      toStatus: 'TRADE_COMPLETED',
      payload: event.object,
      cycle: 1,
    });
  });

  it('records a conflict with its reason, counted on the entity as its latest conflict', () => {
    const event = parsed('OFF-RAMP.ORDER.CANCELLED');
    const decision = {
      kind: 'conflict',
      status: 'DEPOSIT_RECEIVED',
      eventStatus: 'ORDER_CANCELLED',
      reason: 'contradicts_status',
    } as const;
    const plan = buildCommit({ ...common, event, before: { ...before, conflicts: 2 }, progress, decision });
    expect(plan.next).toMatchObject({
      status: 'DEPOSIT_RECEIVED',
      fields: before.fields,
      version: 4,
      conflicts: 3,
      lastConflict: {
        eventKey: 'k',
        eventType: 'OFF-RAMP.ORDER.CANCELLED',
        reason: 'contradicts_status',
        status: 'DEPOSIT_RECEIVED',
        eventStatus: 'ORDER_CANCELLED',
        processedAt: common.now,
      },
    });
    expect(plan.history).toMatchObject({
      outcome: 'conflict',
      conflictReason: 'contradicts_status',
      payload: event.object,
    });
  });

  it('records a duplicate without a payload, or with its raw body when it differs from the first copy', () => {
    const event = parsed('OFF-RAMP.DEPOSIT.RECEIVED');
    const decision = { kind: 'duplicate', status: 'DEPOSIT_RECEIVED' } as const;
    const exact = buildCommit({ ...common, event, before, progress, decision });
    expect(exact.next).toBeUndefined();
    expect(exact.after).toBe(before);
    expect(exact.history).toMatchObject({ outcome: 'duplicate', toStatus: 'DEPOSIT_RECEIVED' });
    expect(exact.history).not.toHaveProperty('payload');
    expect(exact.history).not.toHaveProperty('rawBody');
    const resend = buildCommit({ ...common, event, before, progress, decision, differingBody: '{"x":1}' });
    expect(resend.history).toMatchObject({ outcome: 'duplicate', rawBody: '{"x":1}' });
    expect(resend.history).not.toHaveProperty('payload');
  });
});

describe('buildCommit: what commitEvent-8.lua is sent', () => {
  it('encodes the new entity and history entry, expecting the version it read', () => {
    const event = parsed('OFF-RAMP.TRADE.COMPLETED');
    const plan = buildCommit({
      ...common,
      event,
      before,
      progress,
      decision: { kind: 'applied', from: 'DEPOSIT_RECEIVED', to: 'TRADE_COMPLETED', newCycle: false },
    });
    expect(plan.prepared).toEqual({
      kind: 'off-ramp',
      id: 'tx-1',
      eventKey: 'k',
      token: 'lock-token',
      expectedVersion: 3,
      entityJson: JSON.stringify(plan.next),
      historyJson: JSON.stringify(plan.history),
      outcome: 'applied',
      dedupeTtlSeconds: 600,
      historyLimit: 100,
      eventLogJson: '',
    });
  });

  it('carries the event-log record of the commit when the log is on: the outcome and the entity after it', () => {
    const event = parsed('OFF-RAMP.TRADE.COMPLETED');
    const data = {
      rawBody: '{"eventType":"OFF-RAMP.TRADE.COMPLETED"}',
      bodySha256: 'ab',
      receivedAt: common.receivedAt,
      eventKey: 'k',
      requestId: 'r1',
      eventType: 'OFF-RAMP.TRADE.COMPLETED',
      proof: { version: 1 as const, ripioSignature: { header: 'h', value: 'v' }, keyId: 'id', mac: 'm' },
    };
    const plan = buildCommit({
      ...common,
      event,
      before,
      progress,
      decision: { kind: 'applied', from: 'DEPOSIT_RECEIVED', to: 'TRADE_COMPLETED', newCycle: false },
      eventLog: { data, attempts: 2 },
    });
    expect(JSON.parse(plan.prepared.eventLogJson)).toMatchObject({
      eventKey: 'k',
      outcome: 'applied',
      at: common.now,
      attempts: 2,
      kind: 'off-ramp',
      entityId: 'tx-1',
      eventType: 'OFF-RAMP.TRADE.COMPLETED',
      family: 'off-ramp',
      rawBody: data.rawBody,
      proof: data.proof,
      entity: { status: 'TRADE_COMPLETED', version: 4 },
    });
  });

  it('sends no entity when it does not change, and expects version 0 when there was none', () => {
    const event = parsed('OFF-RAMP.ORDER.CANCELLED');
    const plan = buildCommit({
      ...common,
      event,
      before: undefined,
      progress: undefined,
      decision: { kind: 'duplicate', status: 'ORDER_CANCELLED' },
    });
    expect(plan.prepared).toMatchObject({ expectedVersion: 0, entityJson: '', outcome: 'duplicate' });
  });
});
