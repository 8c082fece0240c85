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
const common = {
  eventKey: 'k',
  token: 'lock-token',
  receivedAt: '2026-03-01T10:00:01.000Z',
  now: '2026-03-01T10:00:02.000Z',
  dedupeTtlSeconds: 600,
  historyLimit: 100,
};

describe('buildCommit', () => {
  it('creates a new entity at version 1 for an applied event without one', () => {
    const event = parsed('OFF-RAMP.DEPOSIT.RECEIVED');
    const plan = buildCommit({
      ...common,
      event,
      before: undefined,
      decision: { kind: 'applied', from: null, to: 'DEPOSIT_RECEIVED' },
    });
    expect(plan.next).toEqual({
      kind: 'off-ramp',
      id: 'tx-1',
      status: 'DEPOSIT_RECEIVED',
      fields: event.object,
      version: 1,
      createdAt: common.now,
      updatedAt: common.now,
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
    });
  });

  it('moves an existing entity, keeping createdAt and bumping the version', () => {
    const event = parsed('OFF-RAMP.TRADE.COMPLETED');
    const plan = buildCommit({
      ...common,
      event,
      before,
      decision: { kind: 'applied', from: 'DEPOSIT_RECEIVED', to: 'TRADE_COMPLETED' },
    });
    expect(plan.next).toMatchObject({
      status: 'TRADE_COMPLETED',
      version: 4,
      createdAt: before.createdAt,
      updatedAt: common.now,
    });
    expect(plan.history).toMatchObject({ fromStatus: 'DEPOSIT_RECEIVED', toStatus: 'TRADE_COMPLETED' });
  });

  it.each(['late', 'conflict', 'duplicate'] as const)('records %s without changing the entity', (outcome) => {
    const event = parsed('OFF-RAMP.ORDER.CANCELLED');
    const decision =
      outcome === 'duplicate'
        ? { kind: outcome }
        : { kind: outcome, status: 'DEPOSIT_RECEIVED', eventStatus: 'ORDER_CANCELLED' };
    const plan = buildCommit({ ...common, event, before, decision });
    expect(plan.next).toBeUndefined();
    expect(plan.after).toBe(before);
    expect(plan.history).toMatchObject({
      outcome,
      fromStatus: 'DEPOSIT_RECEIVED',
      toStatus: 'DEPOSIT_RECEIVED',
    });
  });
});

describe('buildCommit: what commitEvent-7.lua is sent', () => {
  it('encodes the new entity and history entry, expecting the version it read', () => {
    const event = parsed('OFF-RAMP.TRADE.COMPLETED');
    const plan = buildCommit({
      ...common,
      event,
      before,
      decision: { kind: 'applied', from: 'DEPOSIT_RECEIVED', to: 'TRADE_COMPLETED' },
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
    });
  });

  it('sends no entity when it does not change, and expects version 0 when there was none', () => {
    const event = parsed('OFF-RAMP.ORDER.CANCELLED');
    const plan = buildCommit({ ...common, event, before: undefined, decision: { kind: 'duplicate' } });
    expect(plan.prepared).toMatchObject({ expectedVersion: 0, entityJson: '', outcome: 'duplicate' });
  });
});
