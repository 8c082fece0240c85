/** The entity kinds and where each kind's object sits in the envelope. */
import type { z } from 'zod';
import { Account } from './families/account.js';
import { KycPayload } from './families/kyc.js';
import { OffRampTransaction } from './families/off-ramp.js';
import { OnRampTransaction } from './families/on-ramp.js';
import { OrphanDepositRefund, SellAndPayTransaction } from './families/sell-and-pay.js';
import { SupportTicket } from './families/support-ticket.js';

export const FAMILIES = ['on-ramp', 'off-ramp', 'sell-and-pay', 'support-ticket', 'kyc', 'account'] as const;
export type Family = (typeof FAMILIES)[number];

/** Entity kinds as they appear in URLs, Redis keys and the CLI. */
export const ENTITY_KINDS = [
  'on-ramp',
  'off-ramp',
  'sell-and-pay',
  'sell-and-pay-orphan-deposit',
  'support-ticket',
  'kyc',
  'account',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** The object each entity kind's events carry. */
export interface ObjectByKind {
  'on-ramp': OnRampTransaction;
  'off-ramp': OffRampTransaction;
  'sell-and-pay': SellAndPayTransaction;
  'sell-and-pay-orphan-deposit': OrphanDepositRefund;
  'support-ticket': SupportTicket;
  kyc: KycPayload;
  account: Account;
}

/** How to find and read the object of one entity kind inside the envelope. */
interface KindShape<K extends EntityKind> {
  /** Envelope keys that may hold the object, in order of preference. */
  objectKeys: readonly string[];
  schema: z.ZodType<ObjectByKind[K]>;
  entityIdOf(object: ObjectByKind[K]): string;
}

export const KIND_SHAPES: { [K in EntityKind]: KindShape<K> } = {
  // Ripio's On-Ramp page uses `transactionObject`; the widget page shows `transaction`: both are accepted.
  'on-ramp': {
    objectKeys: ['transactionObject', 'transaction'],
    schema: OnRampTransaction,
    entityIdOf: (o) => o.transactionId,
  },
  'off-ramp': {
    objectKeys: ['transactionObject'],
    schema: OffRampTransaction,
    entityIdOf: (o) => o.transactionId,
  },
  'sell-and-pay': { objectKeys: ['transaction'], schema: SellAndPayTransaction, entityIdOf: (o) => o.id },
  'sell-and-pay-orphan-deposit': {
    objectKeys: ['transaction'],
    schema: OrphanDepositRefund,
    entityIdOf: (o) => o.cryptoDeposit.id,
  },
  'support-ticket': { objectKeys: ['supportTicket'], schema: SupportTicket, entityIdOf: (o) => o.ticketId },
  kyc: { objectKeys: ['payload'], schema: KycPayload, entityIdOf: (o) => o.customerId },
  account: { objectKeys: ['account'], schema: Account, entityIdOf: (o) => o.customerId },
};
