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

type Provenance = 'documented' | 'inferred';
interface Definition<K extends EntityKind = EntityKind> {
  family: Family;
  kind: K;
  provenance: Provenance;
  /**
   * Tells apart two events of the same type for the same entity (a second deposit, a new KYC submission).
   * Returns undefined when the event has nothing that tells it apart.
   */
  discriminatorOf?: (object: ObjectByKind[K]) => string | null | undefined;
}

/** A definition with its object type erased, for code that walks every entry. */
interface ErasedDefinition {
  family: Family;
  kind: EntityKind;
  provenance: Provenance;
  discriminatorOf?: ((object: never) => string | null | undefined) | undefined;
}

const define = <K extends EntityKind>(definition: Definition<K>): Definition<K> => definition;

/**
 * Every event type Ripio sends, by its canonical name. `documented` comes from ripio-docs/ or a FOUND item of
 * ripio-notes.md; `inferred` from an INFERRED item (accepted so such events are applied, not dead-lettered).
 */
const DEFINITIONS = {
  'ON-RAMP.DEPOSIT.RECEIVED': define({ family: 'on-ramp', kind: 'on-ramp', provenance: 'documented' }),
  'ON-RAMP.TRADE.COMPLETED': define({ family: 'on-ramp', kind: 'on-ramp', provenance: 'documented' }),
  'ON-RAMP.WITHDRAWAL.PROCESSING': define({ family: 'on-ramp', kind: 'on-ramp', provenance: 'documented' }),
  'ON-RAMP.WITHDRAWAL.COMPLETED': define({ family: 'on-ramp', kind: 'on-ramp', provenance: 'inferred' }),
  'ON-RAMP.ORDER.CANCELLED': define({ family: 'on-ramp', kind: 'on-ramp', provenance: 'inferred' }),
  'ON-RAMP.ORDER.REFUNDED': define({ family: 'on-ramp', kind: 'on-ramp', provenance: 'inferred' }),

  'OFF-RAMP.DEPOSIT.RECEIVED': define({
    family: 'off-ramp',
    kind: 'off-ramp',
    provenance: 'documented',
    discriminatorOf: (o) => o.txnHash,
  }),
  'OFF-RAMP.TRADE.COMPLETED': define({ family: 'off-ramp', kind: 'off-ramp', provenance: 'documented' }),
  'OFF-RAMP.WITHDRAWAL.PROCESSING': define({
    family: 'off-ramp',
    kind: 'off-ramp',
    provenance: 'documented',
  }),
  'OFF-RAMP.WITHDRAWAL.COMPLETED': define({ family: 'off-ramp', kind: 'off-ramp', provenance: 'documented' }),
  'OFF-RAMP.ORDER.CANCELLED': define({ family: 'off-ramp', kind: 'off-ramp', provenance: 'documented' }),
  'OFF-RAMP.ORDER.REFUNDED': define({ family: 'off-ramp', kind: 'off-ramp', provenance: 'inferred' }),

  'SELL_AND_PAY.DEPOSIT.RECEIVED': define({
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    provenance: 'documented',
    discriminatorOf: (o) => o.cryptoDeposit?.id,
  }),
  'SELL_AND_PAY.DEPOSIT.BLOCKED': define({
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    provenance: 'documented',
    discriminatorOf: (o) => o.cryptoDeposit?.id,
  }),
  'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED': define({
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    provenance: 'documented',
  }),
  'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING': define({
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    provenance: 'documented',
  }),
  'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING': define({
    family: 'sell-and-pay',
    kind: 'sell-and-pay-orphan-deposit',
    provenance: 'documented',
    // Sent again once the refund hash is known: a new fact about the same deposit, not a copy.
    discriminatorOf: (o) => o.refundTxnHash,
  }),

  'SUPPORT_TICKET.CREATED': define({
    family: 'support-ticket',
    kind: 'support-ticket',
    provenance: 'documented',
  }),
  'SUPPORT_TICKET.FAILED': define({
    family: 'support-ticket',
    kind: 'support-ticket',
    provenance: 'documented',
  }),

  'KYC.IN_REVIEW': define({
    family: 'kyc',
    kind: 'kyc',
    provenance: 'inferred',
    discriminatorOf: (o) => o.submissionId,
  }),
  'KYC.COMPLETED': define({
    family: 'kyc',
    kind: 'kyc',
    provenance: 'documented',
    discriminatorOf: (o) => o.submissionId,
  }),
  'KYC.FAILED': define({
    family: 'kyc',
    kind: 'kyc',
    provenance: 'inferred',
    discriminatorOf: (o) => o.submissionId,
  }),

  'ACCOUNT.CLOSED': define({ family: 'account', kind: 'account', provenance: 'documented' }),
} as const;

export type EventType = keyof typeof DEFINITIONS;

/**
 * Older names Ripio used for the same events (ripio-notes.md: an older version of the Sell and Pay page), mapped
 * to their canonical type. An alias is resolved before anything else, so it shares the canonical event key.
 */
export const ALIASES = {
  'SELL_AND_PAY.DEPOSIT_CONFIRMED': 'SELL_AND_PAY.DEPOSIT.RECEIVED',
  'SELL_AND_PAY.DEPOSIT_BLOCKED': 'SELL_AND_PAY.DEPOSIT.BLOCKED',
} as const satisfies Record<string, EventType>;
export type AliasName = keyof typeof ALIASES;
export const ALIAS_NAMES = Object.keys(ALIASES) as AliasName[];

/** A name as it may arrive on the wire and the catalog knows: canonical or alias. */
export type WireEventName = EventType | AliasName;
export type KindOf<T extends EventType> = (typeof DEFINITIONS)[T]['kind'];
export type ObjectOf<T extends EventType> = ObjectByKind[KindOf<T>];

export interface CatalogEntry {
  eventType: EventType;
  family: Family;
  kind: EntityKind;
  /** The entity status this event moves to: the type without its family prefix, dots as underscores. */
  status: string;
  provenance: Provenance;
  aliases: readonly string[];
}

/** `OFF-RAMP.WITHDRAWAL.COMPLETED` -> `WITHDRAWAL_COMPLETED`; `SUPPORT_TICKET.CREATED` -> `CREATED`. */
export function statusOfEventType(eventType: string): string {
  const firstDot = eventType.indexOf('.');
  return eventType.slice(firstDot + 1).replaceAll('.', '_');
}

export const EVENT_TYPES = Object.keys(DEFINITIONS) as EventType[];

export const CATALOG: readonly CatalogEntry[] = EVENT_TYPES.map((eventType) => {
  const definition: ErasedDefinition = DEFINITIONS[eventType];
  return {
    eventType,
    family: definition.family,
    kind: definition.kind,
    status: statusOfEventType(eventType),
    provenance: definition.provenance,
    aliases: ALIAS_NAMES.filter((alias) => ALIASES[alias] === eventType),
  };
});

const byWireName = new Map<string, CatalogEntry>();
for (const entry of CATALOG) {
  byWireName.set(entry.eventType, entry);
  for (const alias of entry.aliases) byWireName.set(alias, entry);
}

/** The catalog entry for a name as it arrives on the wire (canonical or alias), or undefined. */
export function catalogEntryOf(wireName: string): CatalogEntry | undefined {
  return byWireName.get(wireName);
}

/** Every name the catalog accepts (canonical and aliases): the bounded label set for metrics. */
export const KNOWN_WIRE_NAMES: readonly string[] = [...byWireName.keys()];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(DEFINITIONS, value);
}

/** Reads the discriminator of an already-validated object of this event type. */
export function discriminatorOf(eventType: EventType, object: ObjectByKind[EntityKind]): string | undefined {
  const definition: ErasedDefinition = DEFINITIONS[eventType];
  const read = definition.discriminatorOf as
    ((o: ObjectByKind[EntityKind]) => string | null | undefined) | undefined;
  const value = read?.(object);
  return value ?? undefined;
}

/** The statuses of one entity kind, from the catalog. */
export function statusesOfKind(kind: EntityKind): string[] {
  return CATALOG.filter((entry) => entry.kind === kind).map((entry) => entry.status);
}
