import type { EntityKind, Family, ObjectByKind } from './kinds.js';

export * from './kinds.js';

type Provenance = 'documented' | 'inferred';

/**
 * What the event key adds after `<kind>|<entityId>|<type>` to tell two events of one type for one entity apart:
 * - `type`: nothing; the type happens once per entity (a ticket's outcome, a payment, a closing);
 * - `discriminator`: the discriminator when the event has one (a deposit, a KYC submission);
 * - `discriminator-or-issue-time`: the discriminator, or `at-<issueDatetime>` when it is missing. For types that
 *   recur across deposit cycles of one entity: a redelivery (same body) keeps the key, a new event does not, and
 *   the entity's recorded progress catches a resend whose `issueDatetime` was regenerated.
 */
export type KeyedBy = 'type' | 'discriminator' | 'discriminator-or-issue-time';

interface Definition<K extends EntityKind = EntityKind> {
  family: Family;
  kind: K;
  provenance: Provenance;
  keyedBy: KeyedBy;
  /**
   * What the event is about inside its entity: the deposit (off-ramp `txnHash`, Sell and Pay `cryptoDeposit.id`)
   * or the KYC submission. Undefined when the event does not say.
   */
  discriminatorOf?: (object: ObjectByKind[K]) => string | null | undefined;
}

/** A definition with its object type erased, for code that walks every entry. */
interface ErasedDefinition {
  family: Family;
  kind: EntityKind;
  provenance: Provenance;
  keyedBy: KeyedBy;
  discriminatorOf?: ((object: never) => string | null | undefined) | undefined;
}

const define = <K extends EntityKind>(definition: Definition<K>): Definition<K> => definition;

const onRamp = (provenance: Provenance) =>
  define({ family: 'on-ramp', kind: 'on-ramp', provenance, keyedBy: 'type' });
/** Every off-ramp event belongs to one deposit cycle, named by the deposit's `txnHash` when the event carries it. */
const offRamp = (provenance: Provenance) =>
  define({
    family: 'off-ramp',
    kind: 'off-ramp',
    provenance,
    keyedBy: 'discriminator-or-issue-time',
    discriminatorOf: (o) => o.txnHash,
  });
const sellAndPay = (keyedBy: KeyedBy) =>
  define({
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    provenance: 'documented',
    keyedBy,
    discriminatorOf: (o) => o.cryptoDeposit?.id,
  });
const kyc = (provenance: Provenance) =>
  define({
    family: 'kyc',
    kind: 'kyc',
    provenance,
    keyedBy: 'discriminator',
    discriminatorOf: (o) => o.submissionId,
  });

/**
 * Every event type Ripio sends, by its canonical name. `documented` comes from ripio-docs/ or a FOUND item of
 * ripio-notes.md; `inferred` from an INFERRED item (accepted so such events are applied, not dead-lettered).
 * docs/events.md gives the reasoning behind each type's key.
 */
const DEFINITIONS = {
  'ON-RAMP.DEPOSIT.RECEIVED': onRamp('documented'),
  'ON-RAMP.TRADE.COMPLETED': onRamp('documented'),
  'ON-RAMP.WITHDRAWAL.PROCESSING': onRamp('documented'),
  'ON-RAMP.WITHDRAWAL.COMPLETED': onRamp('inferred'),
  'ON-RAMP.ORDER.CANCELLED': onRamp('inferred'),
  'ON-RAMP.ORDER.REFUNDED': onRamp('inferred'),

  'OFF-RAMP.DEPOSIT.RECEIVED': offRamp('documented'),
  'OFF-RAMP.TRADE.COMPLETED': offRamp('documented'),
  'OFF-RAMP.WITHDRAWAL.PROCESSING': offRamp('documented'),
  'OFF-RAMP.WITHDRAWAL.COMPLETED': offRamp('documented'),
  'OFF-RAMP.ORDER.CANCELLED': offRamp('documented'),
  'OFF-RAMP.ORDER.REFUNDED': offRamp('inferred'),

  'SELL_AND_PAY.DEPOSIT.RECEIVED': sellAndPay('discriminator'),
  'SELL_AND_PAY.DEPOSIT.BLOCKED': sellAndPay('discriminator'),
  // One payment per order; the deposit it paid is still read, to tell a later deposit's refund from its own.
  'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED': sellAndPay('type'),
  // One refund per deposit: a resend that only adds `refundTxnHash` is the same event.
  'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING': sellAndPay('discriminator'),
  // The deposit is the entity and has one refund: a resend that adds `refundTxnHash` is the same event.
  'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING': define({
    family: 'sell-and-pay',
    kind: 'sell-and-pay-orphan-deposit',
    provenance: 'documented',
    keyedBy: 'type',
  }),

  'SUPPORT_TICKET.CREATED': define({
    family: 'support-ticket',
    kind: 'support-ticket',
    provenance: 'documented',
    keyedBy: 'type',
  }),
  'SUPPORT_TICKET.FAILED': define({
    family: 'support-ticket',
    kind: 'support-ticket',
    provenance: 'documented',
    keyedBy: 'type',
  }),

  'KYC.IN_REVIEW': kyc('inferred'),
  'KYC.COMPLETED': kyc('documented'),
  'KYC.FAILED': kyc('inferred'),

  'ACCOUNT.CLOSED': define({ family: 'account', kind: 'account', provenance: 'documented', keyedBy: 'type' }),
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
  /** What the event key adds to tell two events of this type for one entity apart. */
  keyedBy: KeyedBy;
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
    keyedBy: definition.keyedBy,
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

/** Reads the discriminator (what the event is about inside its entity) of an object of this event type. */
export function discriminatorOf(eventType: EventType, object: ObjectByKind[EntityKind]): string | undefined {
  const definition: ErasedDefinition = DEFINITIONS[eventType];
  const read = definition.discriminatorOf as
    ((o: ObjectByKind[EntityKind]) => string | null | undefined) | undefined;
  const value = read?.(object);
  return value === null || value === '' ? undefined : value;
}

/** The statuses of one entity kind, from the catalog. */
export function statusesOfKind(kind: EntityKind): string[] {
  return CATALOG.filter((entry) => entry.kind === kind).map((entry) => entry.status);
}
