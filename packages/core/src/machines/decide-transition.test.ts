import { describe, expect, it } from 'vitest';
import { ENTITY_KINDS, type EntityKind } from '@ripio-webhooks/schemas';
import { decideTransition } from './decide-transition.js';
import { machineOf } from './machines.js';

describe('decideTransition: the examples of the issue', () => {
  it('WITHDRAWAL.COMPLETED before TRADE.COMPLETED moves straight to WITHDRAWAL_COMPLETED', () => {
    expect(decideTransition('off-ramp', 'DEPOSIT_RECEIVED', 'WITHDRAWAL_COMPLETED')).toEqual({
      kind: 'applied',
      from: 'DEPOSIT_RECEIVED',
      to: 'WITHDRAWAL_COMPLETED',
    });
    // ...and the TRADE.COMPLETED that arrives afterwards is late.
    expect(decideTransition('off-ramp', 'WITHDRAWAL_COMPLETED', 'TRADE_COMPLETED')).toEqual({
      kind: 'late',
      status: 'WITHDRAWAL_COMPLETED',
      eventStatus: 'TRADE_COMPLETED',
    });
  });

  it('ORDER.CANCELLED after WITHDRAWAL.COMPLETED is a conflict', () => {
    expect(decideTransition('off-ramp', 'WITHDRAWAL_COMPLETED', 'ORDER_CANCELLED')).toEqual({
      kind: 'conflict',
      status: 'WITHDRAWAL_COMPLETED',
      eventStatus: 'ORDER_CANCELLED',
    });
  });

  it('a support ticket FAILED after CREATED is a conflict (and the other way round)', () => {
    expect(decideTransition('support-ticket', 'CREATED', 'FAILED')).toEqual({
      kind: 'conflict',
      status: 'CREATED',
      eventStatus: 'FAILED',
    });
    expect(decideTransition('support-ticket', 'FAILED', 'CREATED').kind).toBe('conflict');
  });
});

describe('decideTransition: rules', () => {
  it.each(ENTITY_KINDS)(
    '%s: the first event seen creates the entity in its status, whichever it is',
    (kind) => {
      for (const status of machineOf(kind).statuses) {
        expect(decideTransition(kind, null, status)).toEqual({ kind: 'applied', from: null, to: status });
      }
    },
  );

  it('the same status again is applied: new information such as a second deposit refreshes the fields', () => {
    expect(decideTransition('off-ramp', 'DEPOSIT_RECEIVED', 'DEPOSIT_RECEIVED')).toEqual({
      kind: 'applied',
      from: 'DEPOSIT_RECEIVED',
      to: 'DEPOSIT_RECEIVED',
    });
    expect(
      decideTransition(
        'sell-and-pay-orphan-deposit',
        'DEPOSIT_WITHOUT_SELL_AND_PAY_REFUND_PROCESSING',
        'DEPOSIT_WITHOUT_SELL_AND_PAY_REFUND_PROCESSING',
      ).kind,
    ).toBe('applied');
  });

  it('throws for a status the kind does not have, current or incoming', () => {
    expect(() => decideTransition('off-ramp', null, 'CLOSED')).toThrow(/not a status of off-ramp/);
    expect(() => decideTransition('off-ramp', 'CLOSED', 'DEPOSIT_RECEIVED')).toThrow(
      /not a status of off-ramp/,
    );
  });
});

/**
 * Full decision tables, written out by hand from the flows (rows: current status; columns: the event's status, in
 * the order of `columns`). A = applied, L = late, C = conflict.
 */
const TABLES: { kind: EntityKind; columns: string[]; rows: Record<string, string> }[] = [
  {
    kind: 'off-ramp',
    columns: [
      'DEPOSIT_RECEIVED',
      'TRADE_COMPLETED',
      'WITHDRAWAL_PROCESSING',
      'WITHDRAWAL_COMPLETED',
      'ORDER_CANCELLED',
      'ORDER_REFUNDED',
    ],
    rows: {
      DEPOSIT_RECEIVED: 'AAAAAA',
      TRADE_COMPLETED: 'LAAACC',
      WITHDRAWAL_PROCESSING: 'LLAACC',
      WITHDRAWAL_COMPLETED: 'LLLACC',
      ORDER_CANCELLED: 'LCCCAA',
      ORDER_REFUNDED: 'LCCCLA',
    },
  },
  {
    kind: 'sell-and-pay',
    columns: ['DEPOSIT_RECEIVED', 'DEPOSIT_BLOCKED', 'PAYMENT_ORDER_COMPLETED', 'DEPOSIT_REFUND_PROCESSING'],
    rows: {
      DEPOSIT_RECEIVED: 'AAAA',
      DEPOSIT_BLOCKED: 'LACA',
      PAYMENT_ORDER_COMPLETED: 'LCAC',
      DEPOSIT_REFUND_PROCESSING: 'LLCA',
    },
  },
  {
    kind: 'kyc',
    columns: ['IN_REVIEW', 'COMPLETED', 'FAILED'],
    // A failure that arrives after COMPLETED is an older submission's: late, not a conflict.
    rows: { IN_REVIEW: 'AAA', COMPLETED: 'LAL', FAILED: 'LAA' },
  },
  { kind: 'support-ticket', columns: ['CREATED', 'FAILED'], rows: { CREATED: 'AC', FAILED: 'CA' } },
  { kind: 'account', columns: ['CLOSED'], rows: { CLOSED: 'A' } },
];

const LETTER = { applied: 'A', late: 'L', conflict: 'C' } as const;

describe.each(TABLES)('decideTransition: the full $kind table', ({ kind, columns, rows }) => {
  it('covers every status of the machine', () => {
    expect([...columns].sort()).toEqual([...machineOf(kind).statuses].sort());
    expect(Object.keys(rows).sort()).toEqual([...columns].sort());
  });

  it.each(Object.entries(rows))('from %s', (current, expected) => {
    const actual = columns
      .map((eventStatus) => LETTER[decideTransition(kind, current, eventStatus).kind])
      .join('');
    expect(actual).toBe(expected);
  });
});

it('on-ramp decides exactly like off-ramp (same lifecycle)', () => {
  const statuses = machineOf('off-ramp').statuses;
  for (const current of statuses) {
    for (const eventStatus of statuses) {
      expect(decideTransition('on-ramp', current, eventStatus).kind).toBe(
        decideTransition('off-ramp', current, eventStatus).kind,
      );
    }
  }
});
