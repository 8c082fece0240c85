import type {
  Account,
  KycPayload,
  OffRampTransaction,
  OnRampTransaction,
  OrphanDepositRefund,
  SellAndPayTransaction,
  SupportTicket,
} from './objects.js';

/** The product an event belongs to. */
export type Family = 'on-ramp' | 'off-ramp' | 'sell-and-pay' | 'support-ticket' | 'kyc' | 'account';

/** Entity kinds, as they appear in the admin API's URLs and the CLI. */
export type EntityKind =
  | 'on-ramp'
  | 'off-ramp'
  | 'sell-and-pay'
  | 'sell-and-pay-orphan-deposit'
  | 'support-ticket'
  | 'kyc'
  | 'account';

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

/** Every event type by its canonical name (older aliases arrive already resolved), with its entity kind. */
export interface KindByEventType {
  'ON-RAMP.DEPOSIT.RECEIVED': 'on-ramp';
  'ON-RAMP.TRADE.COMPLETED': 'on-ramp';
  'ON-RAMP.WITHDRAWAL.PROCESSING': 'on-ramp';
  'ON-RAMP.WITHDRAWAL.COMPLETED': 'on-ramp';
  'ON-RAMP.ORDER.CANCELLED': 'on-ramp';
  'ON-RAMP.ORDER.REFUNDED': 'on-ramp';
  'OFF-RAMP.DEPOSIT.RECEIVED': 'off-ramp';
  'OFF-RAMP.TRADE.COMPLETED': 'off-ramp';
  'OFF-RAMP.WITHDRAWAL.PROCESSING': 'off-ramp';
  'OFF-RAMP.WITHDRAWAL.COMPLETED': 'off-ramp';
  'OFF-RAMP.ORDER.CANCELLED': 'off-ramp';
  'OFF-RAMP.ORDER.REFUNDED': 'off-ramp';
  'SELL_AND_PAY.DEPOSIT.RECEIVED': 'sell-and-pay';
  'SELL_AND_PAY.DEPOSIT.BLOCKED': 'sell-and-pay';
  'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED': 'sell-and-pay';
  'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING': 'sell-and-pay';
  'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING': 'sell-and-pay-orphan-deposit';
  'SUPPORT_TICKET.CREATED': 'support-ticket';
  'SUPPORT_TICKET.FAILED': 'support-ticket';
  'KYC.IN_REVIEW': 'kyc';
  'KYC.COMPLETED': 'kyc';
  'KYC.FAILED': 'kyc';
  'ACCOUNT.CLOSED': 'account';
}

export type EventType = keyof KindByEventType;

/** The object an event of this type carries. */
export type ObjectOf<T extends EventType> = ObjectByKind[KindByEventType[T]];

/** What every validated event has, whatever its type. */
export interface HandledEventBase {
  /** Canonical name (aliases resolved). */
  eventType: EventType;
  /** The name exactly as it arrived. */
  receivedAs: string;
  family: Family;
  kind: EntityKind;
  entityId: string;
  /** The status this event moves its entity to: the type without its family prefix, dots as underscores. */
  status: string;
  /** When Ripio issued the event (ISO-8601). */
  issueDatetime: string;
  /**
   * What the event is about inside its entity, where one is read: the deposit (off-ramp `txnHash`, Sell and Pay
   * `cryptoDeposit.id`) or the KYC submission.
   */
  discriminator: string | undefined;
}

/** A validated event; narrowing on `eventType` narrows `object` to that type's object. */
export type HandledEvent<T extends EventType = EventType> = {
  [K in T]: HandledEventBase & { eventType: K; object: ObjectOf<K> };
}[T];
