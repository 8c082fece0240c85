import { catalogEntryOf, type EntityKind, type EventType } from '@ripio-webhooks/schemas';
import { decideTransition } from '../machines/decide-transition.js';

/**
 * A sequence of events one entity goes through, in the order Ripio sends them. `documented` flows are listed in
 * Ripio's "Event Flows" sections; the others are inferred (by symmetry, or from statuses Ripio documents).
 */
export interface Flow {
  name: string;
  kind: EntityKind;
  events: readonly EventType[];
  documented: boolean;
}

export const FLOWS: readonly Flow[] = [
  ...rampFlows('off-ramp', 'OFF-RAMP', true),
  ...rampFlows('on-ramp', 'ON-RAMP', false),
  {
    name: 'sell-and-pay-success',
    kind: 'sell-and-pay',
    events: ['SELL_AND_PAY.DEPOSIT.RECEIVED', 'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED'],
    documented: true,
  },
  {
    name: 'sell-and-pay-deposit-blocked',
    kind: 'sell-and-pay',
    events: ['SELL_AND_PAY.DEPOSIT.BLOCKED', 'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING'],
    documented: true,
  },
  {
    name: 'sell-and-pay-cancellation-and-refund',
    kind: 'sell-and-pay',
    events: ['SELL_AND_PAY.DEPOSIT.RECEIVED', 'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING'],
    documented: true,
  },
  {
    name: 'sell-and-pay-orphan-deposit',
    kind: 'sell-and-pay-orphan-deposit',
    events: ['SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING'],
    documented: true,
  },
  {
    name: 'support-ticket-created',
    kind: 'support-ticket',
    events: ['SUPPORT_TICKET.CREATED'],
    documented: true,
  },
  {
    name: 'support-ticket-failed',
    kind: 'support-ticket',
    events: ['SUPPORT_TICKET.FAILED'],
    documented: true,
  },
  { name: 'kyc-completed', kind: 'kyc', events: ['KYC.IN_REVIEW', 'KYC.COMPLETED'], documented: false },
  { name: 'kyc-failed', kind: 'kyc', events: ['KYC.IN_REVIEW', 'KYC.FAILED'], documented: false },
  {
    name: 'kyc-failed-then-resubmitted-and-completed',
    kind: 'kyc',
    events: ['KYC.IN_REVIEW', 'KYC.FAILED', 'KYC.COMPLETED'],
    documented: false,
  },
  { name: 'account-closed', kind: 'account', events: ['ACCOUNT.CLOSED'], documented: true },
];

/**
 * On-ramp and off-ramp share their lifecycle. Ripio documents the off-ramp success and cancellation flows; the
 * on-ramp ones follow by symmetry, and the refund after a cancellation is inferred for both.
 */
function rampFlows(
  kind: 'on-ramp' | 'off-ramp',
  prefix: 'ON-RAMP' | 'OFF-RAMP',
  documented: boolean,
): Flow[] {
  return [
    {
      name: `${kind}-success`,
      kind,
      events: [
        `${prefix}.DEPOSIT.RECEIVED`,
        `${prefix}.TRADE.COMPLETED`,
        `${prefix}.WITHDRAWAL.PROCESSING`,
        `${prefix}.WITHDRAWAL.COMPLETED`,
      ],
      documented,
    },
    {
      name: `${kind}-cancellation`,
      kind,
      events: [`${prefix}.DEPOSIT.RECEIVED`, `${prefix}.ORDER.CANCELLED`],
      documented,
    },
    {
      name: `${kind}-cancelled-then-refunded`,
      kind,
      events: [`${prefix}.DEPOSIT.RECEIVED`, `${prefix}.ORDER.CANCELLED`, `${prefix}.ORDER.REFUNDED`],
      documented: false,
    },
  ];
}

/** The catalog status an event type moves its entity to. Throws for a type outside the catalog (a bug). */
export function statusOfEvent(eventType: EventType): string {
  const entry = catalogEntryOf(eventType);
  if (entry === undefined) throw new Error(`Event type ${eventType} is not in the catalog`);
  return entry.status;
}

/** The status an entity ends in when the flow's events arrive once each, in order. */
export function expectedFinalStatus(flow: Flow): string {
  let status: string | null = null;
  for (const eventType of flow.events) {
    const decision = decideTransition(flow.kind, status, statusOfEvent(eventType));
    switch (decision.kind) {
      case 'applied':
        status = decision.to;
        break;
      case 'late':
      case 'conflict':
        break;
      default: {
        const unexpected: never = decision;
        throw new Error(`Unexpected decision ${JSON.stringify(unexpected)}`);
      }
    }
  }
  if (status === null) throw new Error(`Flow ${flow.name} has no events`);
  return status;
}
