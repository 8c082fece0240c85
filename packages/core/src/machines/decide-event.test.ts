import {
  EVENT_TYPES,
  catalogEntryOf,
  eventKeyOfEvent,
  parseEvent,
  sampleEvent,
  type ParsedEvent,
  type SampleEventOptions,
  type WireEventName,
} from '@ripio-webhooks/schemas';
import { describe, expect, it } from 'vitest';
import { decideEvent, progressAfter, type EventDecision } from './decide-event.js';
import type { EntityProgress } from './entity-progress.js';

const H1 = '0x1111';
const H2 = '0x2222';
const H3 = '0x3333';
let clock = Date.parse('2026-03-12T14:00:00.000Z');

/** A real event as the worker sees it: built by the sample builder, then parsed. Each gets a later issue time. */
function event(type: WireEventName, options: Partial<SampleEventOptions> = {}): ParsedEvent {
  clock += 60_000;
  const result = parseEvent(
    sampleEvent(type, { entityId: 'entity-1', issueDatetime: new Date(clock).toISOString(), ...options }),
  );
  if (!result.ok) throw new Error(`${type}: ${result.issues.join('; ')}`);
  return result.event;
}

const offRamp = (type: string, txnHash: string | undefined) =>
  event(`OFF-RAMP.${type}` as WireEventName, {
    overrides: { txnHash },
  });

interface Walk {
  decisions: EventDecision['kind'][];
  last: EventDecision;
  progress: EntityProgress | undefined;
}

/** Decides the events in order as the worker does when no dedupe record exists: progress only. */
function walk(events: readonly ParsedEvent[], start?: EntityProgress): Walk {
  let progress = start;
  const decisions: EventDecision['kind'][] = [];
  let last: EventDecision | undefined;
  for (const parsed of events) {
    last = decideEvent(parsed.kind, progress, parsed);
    decisions.push(last.kind);
    progress = progressAfter(parsed.kind, progress, parsed, last);
  }
  if (last === undefined) throw new Error('no events');
  return { decisions, last, progress };
}

const CYCLE = ['DEPOSIT.RECEIVED', 'TRADE.COMPLETED', 'WITHDRAWAL.PROCESSING', 'WITHDRAWAL.COMPLETED'];

describe('off-ramp: a reused session goes through one deposit cycle per txnHash', () => {
  it('txnHash on every event: the second cycle is applied in full, with keys of its own', () => {
    const first = CYCLE.map((type) => offRamp(type, H1));
    const second = CYCLE.map((type) => offRamp(type, H2));
    const run = walk([...first, ...second]);
    expect(run.decisions).toEqual(Array(8).fill('applied'));
    expect(run.progress).toMatchObject({ status: 'WITHDRAWAL_COMPLETED', cycle: 2, cycleDiscriminator: H2 });
    expect(run.progress?.earlierCycles).toEqual([
      { cycle: 1, discriminator: H1, eventTypes: first.map((e) => e.eventType) },
    ]);
    const keys = [...first, ...second].map(eventKeyOfEvent);
    expect(new Set(keys).size).toBe(8);
  });

  it('the second deposit starts the cycle over: applied, newCycle, status back to DEPOSIT_RECEIVED', () => {
    const run = walk([...CYCLE.map((type) => offRamp(type, H1)), offRamp('DEPOSIT.RECEIVED', H2)]);
    expect(run.last).toEqual({
      kind: 'applied',
      from: 'WITHDRAWAL_COMPLETED',
      to: 'DEPOSIT_RECEIVED',
      newCycle: true,
    });
    expect(run.progress?.recordedEvents).toEqual([
      { eventType: 'OFF-RAMP.DEPOSIT.RECEIVED', discriminator: null },
    ]);
  });

  it('later events without txnHash belong to the current cycle and keep keys apart from the first cycle', () => {
    const first = [
      offRamp('DEPOSIT.RECEIVED', H1),
      ...CYCLE.slice(1).map((type) => offRamp(type, undefined)),
    ];
    const second = [
      offRamp('DEPOSIT.RECEIVED', H2),
      ...CYCLE.slice(1).map((type) => offRamp(type, undefined)),
    ];
    const run = walk([...first, ...second]);
    expect(run.decisions).toEqual(Array(8).fill('applied'));
    expect(run.progress).toMatchObject({ status: 'WITHDRAWAL_COMPLETED', cycle: 2, cycleDiscriminator: H2 });
    expect(new Set([...first, ...second].map(eventKeyOfEvent)).size).toBe(8);
  });

  it('a cycle that starts without txnHash takes the first hash it sees', () => {
    const run = walk([offRamp('DEPOSIT.RECEIVED', undefined), offRamp('TRADE.COMPLETED', H1)]);
    expect(run.decisions).toEqual(['applied', 'applied']);
    expect(run.progress?.cycleDiscriminator).toBe(H1);
  });

  it('a second deposit while the cycle is open is a conflict; redelivered after the cycle ends it starts its own', () => {
    const open = walk([offRamp('DEPOSIT.RECEIVED', H1), offRamp('TRADE.COMPLETED', H1)]);
    const second = offRamp('DEPOSIT.RECEIVED', H2);
    const conflict = walk([second], open.progress);
    expect(conflict.last).toEqual({
      kind: 'conflict',
      status: 'TRADE_COMPLETED',
      eventStatus: 'DEPOSIT_RECEIVED',
      reason: 'deposit_while_cycle_open',
    });
    expect(conflict.progress).toMatchObject({ status: 'TRADE_COMPLETED', cycle: 1, cycleDiscriminator: H1 });
    // A copy while the cycle is still open is not alerted twice.
    expect(walk([second], conflict.progress).last.kind).toBe('duplicate');
    const ended = walk([offRamp('WITHDRAWAL.COMPLETED', H1), second], conflict.progress);
    expect(ended.decisions).toEqual(['applied', 'applied']);
    expect(ended.progress).toMatchObject({ status: 'DEPOSIT_RECEIVED', cycle: 2, cycleDiscriminator: H2 });
  });

  it("an event naming an earlier cycle's txnHash is late; a copy of one that cycle recorded is a duplicate", () => {
    const cycles = walk([
      offRamp('DEPOSIT.RECEIVED', H1),
      offRamp('WITHDRAWAL.COMPLETED', H1),
      offRamp('DEPOSIT.RECEIVED', H2),
      offRamp('TRADE.COMPLETED', H2),
    ]);
    const late = walk([offRamp('TRADE.COMPLETED', H1)], cycles.progress);
    expect(late.last).toEqual({
      kind: 'late',
      status: 'TRADE_COMPLETED',
      eventStatus: 'TRADE_COMPLETED',
      cycle: 1,
    });
    expect(late.progress?.status).toBe('TRADE_COMPLETED');
    expect(late.progress?.cycle).toBe(2);
    expect(walk([offRamp('TRADE.COMPLETED', H1)], late.progress).last.kind).toBe('duplicate');
    expect(walk([offRamp('WITHDRAWAL.COMPLETED', H1)], cycles.progress).last.kind).toBe('duplicate');
  });

  it('a hash arriving for a type the hashless cycle already recorded is a conflict (resend or new deposit?)', () => {
    const run = walk([offRamp('DEPOSIT.RECEIVED', undefined), offRamp('DEPOSIT.RECEIVED', H3)]);
    expect(run.last).toMatchObject({ kind: 'conflict', reason: 'deposit_unknown' });
  });

  it('a resend without txnHash whose issue time was regenerated: a new key, a duplicate by progress', () => {
    const original = offRamp('TRADE.COMPLETED', undefined);
    const resend = offRamp('TRADE.COMPLETED', undefined);
    expect(eventKeyOfEvent(resend)).not.toBe(eventKeyOfEvent(original));
    const run = walk([offRamp('DEPOSIT.RECEIVED', H1), original, resend]);
    expect(run.decisions).toEqual(['applied', 'applied', 'duplicate']);
  });
});

describe('sell and pay: refunds are per deposit', () => {
  const sp = (type: string, deposit: string, refundTxnHash?: string | null) =>
    event(`SELL_AND_PAY.${type}` as WireEventName, {
      discriminator: deposit,
      ...(refundTxnHash === undefined ? {} : { overrides: { refundTxnHash } }),
    });

  it("two deposits' refunds are both applied; a resend that only adds refundTxnHash is the same event", () => {
    const refund1 = sp('DEPOSIT.REFUND_PROCESSING', 'dep-1', null);
    const refund1WithHash = sp('DEPOSIT.REFUND_PROCESSING', 'dep-1', '0xrefund');
    const refund2 = sp('DEPOSIT.REFUND_PROCESSING', 'dep-2', null);
    expect(eventKeyOfEvent(refund1WithHash)).toBe(eventKeyOfEvent(refund1));
    expect(eventKeyOfEvent(refund2)).not.toBe(eventKeyOfEvent(refund1));
    const run = walk([sp('DEPOSIT.RECEIVED', 'dep-1'), refund1, refund1WithHash, refund2]);
    expect(run.decisions).toEqual(['applied', 'applied', 'duplicate', 'applied']);
    expect(run.progress?.status).toBe('DEPOSIT_REFUND_PROCESSING');
  });

  it("after the order is paid, another deposit's receipt and refund are applied and the order stays paid", () => {
    const run = walk([
      sp('DEPOSIT.RECEIVED', 'dep-1'),
      sp('PAYMENT_ORDER.COMPLETED', 'dep-1'),
      sp('DEPOSIT.RECEIVED', 'dep-2'),
      sp('DEPOSIT.REFUND_PROCESSING', 'dep-2'),
    ]);
    expect(run.decisions).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(run.last).toEqual({
      kind: 'applied',
      from: 'PAYMENT_ORDER_COMPLETED',
      to: 'PAYMENT_ORDER_COMPLETED',
      newCycle: false,
    });
  });

  it("after a refund, a new deposit is applied; the refunded deposit's own receipt arriving late is late", () => {
    const refunded = walk([sp('DEPOSIT.REFUND_PROCESSING', 'dep-1')]);
    expect(walk([sp('DEPOSIT.RECEIVED', 'dep-1')], refunded.progress).last.kind).toBe('late');
    const again = walk([sp('DEPOSIT.RECEIVED', 'dep-2')], refunded.progress);
    expect(again.last).toMatchObject({ kind: 'applied', to: 'DEPOSIT_REFUND_PROCESSING' });
  });

  it('a payment that names no deposit leaves nothing to tell apart: a later refund is a conflict', () => {
    const paid = event('SELL_AND_PAY.PAYMENT_ORDER.COMPLETED', { overrides: { cryptoDeposit: null } });
    const run = walk([paid, sp('DEPOSIT.REFUND_PROCESSING', 'dep-2')]);
    expect(run.last).toMatchObject({ kind: 'conflict', reason: 'contradicts_status' });
  });

  it('a refund of the very deposit that paid the order is a conflict', () => {
    const run = walk([sp('PAYMENT_ORDER.COMPLETED', 'dep-1'), sp('DEPOSIT.REFUND_PROCESSING', 'dep-1')]);
    expect(run.last).toMatchObject({ kind: 'conflict', reason: 'contradicts_status' });
  });
});

describe('the same event twice after the dedupe record expired', () => {
  it.each(EVENT_TYPES)('%s: the second copy is a duplicate by the recorded progress', (type) => {
    const copy = event(type, { discriminator: 'd-1' });
    const run = walk([copy, copy]);
    expect(run.decisions).toEqual(['applied', 'duplicate']);
    // Nothing changes: the worker stores nothing and runs no handler.
    expect(progressAfter(copy.kind, run.progress, copy, run.last)).toBe(run.progress);
  });

  it('a terminal status seen again (support ticket CREATED, account CLOSED) is not applied twice', () => {
    const created = event('SUPPORT_TICKET.CREATED');
    expect(walk([created, event('SUPPORT_TICKET.CREATED')]).decisions).toEqual(['applied', 'duplicate']);
    expect(walk([event('ACCOUNT.CLOSED'), event('ACCOUNT.CLOSED')]).decisions).toEqual([
      'applied',
      'duplicate',
    ]);
  });

  it('an orphan refund resent with its refund hash is the same event', () => {
    const type = 'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING';
    const withHash = event(type, { overrides: { refundTxnHash: '0xr' } });
    expect(walk([event(type), withHash]).decisions).toEqual(['applied', 'duplicate']);
  });

  it('a late event seen again is a duplicate too, so handlers that opted in to late events do not run twice', () => {
    const trade = offRamp('TRADE.COMPLETED', H1);
    const run = walk([offRamp('WITHDRAWAL.COMPLETED', H1), trade, trade]);
    expect(run.decisions).toEqual(['applied', 'late', 'duplicate']);
  });

  it('KYC: a new submission is a new event, the same submission again is not', () => {
    const run = walk([
      event('KYC.FAILED', { discriminator: 'sub-1' }),
      event('KYC.FAILED', { discriminator: 'sub-1' }),
      event('KYC.COMPLETED', { discriminator: 'sub-2' }),
    ]);
    expect(run.decisions).toEqual(['applied', 'duplicate', 'applied']);
  });
});

describe('decideEvent agrees with decideTransition inside one cycle', () => {
  it('creates the entity with the first event, whatever its status', () => {
    for (const type of EVENT_TYPES) {
      const parsed = event(type);
      expect(decideEvent(parsed.kind, undefined, parsed)).toEqual({
        kind: 'applied',
        from: null,
        to: catalogEntryOf(type)?.status,
        newCycle: false,
      });
    }
  });

  it('an off-ramp cancellation after the withdrawal completed is a conflict that says why', () => {
    const run = walk([offRamp('WITHDRAWAL.COMPLETED', H1), offRamp('ORDER.CANCELLED', H1)]);
    expect(run.last).toEqual({
      kind: 'conflict',
      status: 'WITHDRAWAL_COMPLETED',
      eventStatus: 'ORDER_CANCELLED',
      reason: 'contradicts_status',
    });
  });

  it('refuses to record a new entity from anything but an applied decision', () => {
    const parsed = event('ACCOUNT.CLOSED');
    expect(() =>
      progressAfter('account', undefined, parsed, { kind: 'duplicate', status: 'CLOSED' }),
    ).toThrow(/always applied/);
  });
});
