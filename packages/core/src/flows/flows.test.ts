import { catalogEntryOf, type EntityKind, type EventType } from '@ripio-webhooks/schemas';
import { describe, expect, it } from 'vitest';
import { decideEvent, progressAfter } from '../machines/decide-event.js';
import { decideTransition } from '../machines/decide-transition.js';
import type { EntityProgress } from '../machines/entity-progress.js';
import { machineOf } from '../machines/machines.js';
import { expectedFinalStatus, FLOWS, statusOfEvent, type Flow } from './flows.js';

/** Written from Ripio's "Event Flows" sections (and ripio-notes.md for the inferred ones). */
const EXPECTED_FINAL: Record<string, string> = {
  'off-ramp-success': 'WITHDRAWAL_COMPLETED',
  'off-ramp-cancellation': 'ORDER_CANCELLED',
  'off-ramp-cancelled-then-refunded': 'ORDER_REFUNDED',
  'on-ramp-success': 'WITHDRAWAL_COMPLETED',
  'on-ramp-cancellation': 'ORDER_CANCELLED',
  'on-ramp-cancelled-then-refunded': 'ORDER_REFUNDED',
  'sell-and-pay-success': 'PAYMENT_ORDER_COMPLETED',
  'sell-and-pay-deposit-blocked': 'DEPOSIT_REFUND_PROCESSING',
  'sell-and-pay-cancellation-and-refund': 'DEPOSIT_REFUND_PROCESSING',
  'sell-and-pay-orphan-deposit': 'DEPOSIT_WITHOUT_SELL_AND_PAY_REFUND_PROCESSING',
  'support-ticket-created': 'CREATED',
  'support-ticket-failed': 'FAILED',
  'kyc-completed': 'COMPLETED',
  'kyc-failed': 'FAILED',
  'kyc-failed-then-resubmitted-and-completed': 'COMPLETED',
  'account-closed': 'CLOSED',
};

/**
 * Where an entity of each kind usually starts (a cancellation may come before any ramp deposit). Nothing in the
 * service restricts it: the first event seen for an entity creates it in whatever status that event carries.
 */
const FIRST_STATUSES: Record<EntityKind, readonly string[]> = {
  'on-ramp': ['DEPOSIT_RECEIVED', 'ORDER_CANCELLED'],
  'off-ramp': ['DEPOSIT_RECEIVED', 'ORDER_CANCELLED'],
  'sell-and-pay': ['DEPOSIT_RECEIVED', 'DEPOSIT_BLOCKED'],
  'sell-and-pay-orphan-deposit': ['DEPOSIT_WITHOUT_SELL_AND_PAY_REFUND_PROCESSING'],
  'support-ticket': ['CREATED', 'FAILED'],
  kyc: ['IN_REVIEW'],
  account: ['CLOSED'],
};

describe('FLOWS', () => {
  it('lists each flow once, every one with an expected final status above', () => {
    const names = FLOWS.map((flow) => flow.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(Object.keys(EXPECTED_FINAL).sort());
  });

  it("holds every flow Ripio documents: off-ramp's two, sell-and-pay's four, support ticket's two, account closed", () => {
    expect(FLOWS.filter((flow) => flow.documented).map((flow) => flow.name)).toEqual([
      'off-ramp-success',
      'off-ramp-cancellation',
      'sell-and-pay-success',
      'sell-and-pay-deposit-blocked',
      'sell-and-pay-cancellation-and-refund',
      'sell-and-pay-orphan-deposit',
      'support-ticket-created',
      'support-ticket-failed',
      'account-closed',
    ]);
  });

  it.each(FLOWS)('$name: events of its own kind, a documented flow only of documented events', (flow) => {
    expect(flow.events.length).toBeGreaterThan(0);
    expect(new Set(flow.events).size).toBe(flow.events.length);
    for (const eventType of flow.events) {
      const entry = catalogEntryOf(eventType);
      expect(entry?.kind).toBe(flow.kind);
      if (flow.documented) expect(entry?.provenance).toBe('documented');
    }
  });

  it.each(FLOWS)('$name: starts in a usual first status of its kind', (flow) => {
    const first = flow.events[0];
    expect(first).toBeDefined();
    expect(FIRST_STATUSES[flow.kind]).toContain(statusOfEvent(first as EventType));
    for (const status of FIRST_STATUSES[flow.kind]) expect(machineOf(flow.kind).statuses).toContain(status);
  });

  it.each(FLOWS)('$name: in order, every event is applied and the entity ends as documented', (flow) => {
    const run = deliver(
      flow,
      flow.events.map((_, index) => index),
    );
    expect(run.outcomes).toEqual(flow.events.map(() => 'applied'));
    expect(run.status).toBe(EXPECTED_FINAL[flow.name]);
    expect(expectedFinalStatus(flow)).toBe(EXPECTED_FINAL[flow.name]);
  });
});

/**
 * The delivery property. For every flow, every ordering of its events with each event delivered once or twice:
 *
 * - a second delivery of an event already seen is a `duplicate`, decided from its event key before the state
 *   machine runs, so it is skipped here (the sequences with copies are still generated and walked);
 * - the entity ends in the same status as in-order delivery (`expectedFinalStatus`);
 * - no decision is a conflict: the events of one flow lie on one path of the machine;
 * - every event of the flow is recorded exactly once, as `applied` or `late`, and the flow's last event is always
 *   `applied`.
 *
 * Why not "the same set of applied events" as in-order delivery: when a later event overtakes an earlier one (say
 * WITHDRAWAL.COMPLETED before TRADE.COMPLETED), the entity has already passed TRADE_COMPLETED when that event
 * arrives, so the earlier event is `late` by definition; applying it would move the entity backwards. What does not
 * depend on the order is the final status and the set of recorded events (each once, applied or late).
 */
describe.each(FLOWS)('$name delivered in any order, each event once or twice', (flow) => {
  const sequences = deliverySequences(flow.events.length);

  it('generates every ordering with every choice of copies', () => {
    expect(sequences.length).toBe(countSequences(flow.events.length));
  });

  it('ends in the in-order status, never conflicts, records each event once as applied or late', () => {
    const finalStatus = expectedFinalStatus(flow);
    const lastIndex = flow.events.length - 1;
    for (const sequence of sequences) {
      const run = deliver(flow, sequence);
      const context = `${flow.name}: ${sequence.map((index) => flow.events[index]).join(' -> ')}`;
      expect(run.status, context).toBe(finalStatus);
      expect(run.outcomes, context).not.toContain('conflict');
      expect(run.outcomes.length, context).toBe(flow.events.length);
      for (const outcome of run.outcomes) expect(['applied', 'late'], context).toContain(outcome);
      expect(run.outcomes[lastIndex], context).toBe('applied');
      expect(run.duplicates, context).toBe(sequence.length - flow.events.length);
    }
  });
});

/**
 * The same walk with no dedupe record at all (say every record expired): the entity's recorded progress alone
 * must make every second delivery a `duplicate` and decide everything else as the key-based walk does.
 */
describe.each(FLOWS)(
  '$name delivered in any order, each event once or twice, with no dedupe record',
  (flow) => {
    it('decides like the dedupe-record walk, every copy a duplicate by progress', () => {
      for (const sequence of deliverySequences(flow.events.length)) {
        const context = `${flow.name}: ${sequence.map((index) => flow.events[index]).join(' -> ')}`;
        expect(deliverByProgress(flow, sequence), context).toEqual(deliver(flow, sequence));
      }
    });
  },
);

/** Every event of a flow is about the same deposit or submission, as in one real entity. */
function deliverByProgress(flow: Flow, sequence: readonly number[]): Run {
  const outcomes: string[] = [];
  let progress: EntityProgress | undefined;
  let duplicates = 0;
  for (const index of sequence) {
    const eventType = flow.events[index] as EventType;
    const event = { eventType, status: statusOfEvent(eventType), discriminator: 'same-deposit' };
    const decision = decideEvent(flow.kind, progress, event);
    progress = progressAfter(flow.kind, progress, event, decision);
    if (decision.kind === 'duplicate') duplicates += 1;
    else outcomes[index] = decision.kind;
  }
  return { status: progress?.status ?? null, outcomes, duplicates };
}

describe('delivery examples', () => {
  const offRampSuccess = FLOWS.find((flow) => flow.name === 'off-ramp-success') as Flow;

  it('off-ramp success in reverse: only WITHDRAWAL.COMPLETED is applied, the three others are late', () => {
    const run = deliver(offRampSuccess, [3, 2, 1, 0]);
    expect(run.outcomes).toEqual(['late', 'late', 'late', 'applied']);
    expect(run.status).toBe('WITHDRAWAL_COMPLETED');
  });

  it('off-ramp success with TRADE.COMPLETED delivered twice and last: one duplicate, one late', () => {
    const run = deliver(offRampSuccess, [1, 0, 2, 3, 1]);
    expect(run.outcomes).toEqual(['late', 'applied', 'applied', 'applied']);
    expect(run.duplicates).toBe(1);
    expect(run.status).toBe('WITHDRAWAL_COMPLETED');
  });
});

interface Run {
  status: string | null;
  /** outcome per event of the flow, by the event's index in the flow */
  outcomes: string[];
  duplicates: number;
}

/** Walks deliveries (indexes into flow.events) as the worker would: dedupe first, then the machine. */
function deliver(flow: Flow, sequence: readonly number[]): Run {
  const outcomes: string[] = [];
  const seen = new Set<number>();
  let status: string | null = null;
  let duplicates = 0;
  for (const index of sequence) {
    if (seen.has(index)) {
      duplicates += 1;
      continue;
    }
    seen.add(index);
    const decision = decideTransition(flow.kind, status, statusOfEvent(flow.events[index] as EventType));
    outcomes[index] = decision.kind;
    if (decision.kind === 'applied') status = decision.to;
  }
  return { status, outcomes, duplicates };
}

/** Every distinct sequence in which each of n events appears once or twice. */
function deliverySequences(n: number): number[][] {
  const sequences: number[][] = [];
  for (let doubled = 0; doubled < 2 ** n; doubled += 1) {
    const remaining = Array.from({ length: n }, (_, index) => ((doubled >> index) & 1 ? 2 : 1));
    arrangements(remaining, [], sequences);
  }
  return sequences;
}

/** Appends every distinct arrangement of a multiset (`remaining[i]` copies of event i) to `out`. */
function arrangements(remaining: number[], prefix: number[], out: number[][]): void {
  let placed = false;
  for (let index = 0; index < remaining.length; index += 1) {
    const left = remaining[index] ?? 0;
    if (left === 0) continue;
    placed = true;
    remaining[index] = left - 1;
    prefix.push(index);
    arrangements(remaining, prefix, out);
    prefix.pop();
    remaining[index] = left;
  }
  if (!placed) out.push([...prefix]);
}

/** Sum over the doubled subsets of (n + k)! / 2^k: the number of distinct sequences, counted independently. */
function countSequences(n: number): number {
  const factorial = (m: number): number => (m <= 1 ? 1 : m * factorial(m - 1));
  const choose = (a: number, b: number): number => factorial(a) / (factorial(b) * factorial(a - b));
  let total = 0;
  for (let k = 0; k <= n; k += 1) total += (choose(n, k) * factorial(n + k)) / 2 ** k;
  return total;
}
