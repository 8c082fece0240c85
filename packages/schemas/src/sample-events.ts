import { createHash } from 'node:crypto';
import { catalogEntryOf, type EventType, type WireEventName } from './catalog.js';

/**
 * Realistic, deterministic Ripio events for the simulator, the benchmark and the fixtures. Nothing here reads a
 * clock or a random source: every value comes from the options, and values that look random (UUIDs, hashes,
 * addresses, amounts) are derived from the entity id with SHA-256. So all the events built for one entity agree
 * with each other (same addresses, amounts and customer), as a real entity's events do.
 */

export interface SampleEventOptions {
  /** The id the catalog reads the entity from (transactionId, transaction.id, cryptoDeposit.id, ticketId, customerId). */
  entityId: string;
  /** ISO-8601 with a zone; the object's own timestamps are placed before it. */
  issueDatetime: string;
  /** The customer the entity belongs to; derived from the entity id when absent. Ignored for KYC and Account,
   * whose entity id is the customer id. */
  customerId?: string;
  /**
   * Placed in the field the catalog reads the discriminator from: off-ramp `txnHash` (every off-ramp event
   * carries the hash of its cycle's deposit), sell-and-pay `cryptoDeposit.id`, KYC `submissionId`. Ignored for
   * on-ramp, orphan deposit, support ticket and account events, which have none (set an orphan's
   * `refundTxnHash` with `overrides`).
   */
  discriminator?: string;
  /** Shallow-merged into the event's object (not the envelope). A key set to `undefined` is removed. */
  overrides?: Record<string, unknown>;
}

/** A full envelope: `eventType`, `issueDatetime` and the family's object under its key. */
export interface SampleEnvelope {
  eventType: WireEventName;
  issueDatetime: string;
  [objectKey: string]: unknown;
}

type JsonObject = Record<string, unknown>;

/** Builds the event Ripio would send for `eventType` (canonical or alias; the alias is kept on the wire). */
export function sampleEvent(eventType: WireEventName, options: SampleEventOptions): SampleEnvelope {
  const entry = catalogEntryOf(eventType);
  if (entry === undefined) throw new Error(`sampleEvent: ${String(eventType)} is not in the catalog`);
  const issuedAtMs = Date.parse(options.issueDatetime);
  if (Number.isNaN(issuedAtMs)) {
    throw new RangeError(`sampleEvent: issueDatetime ${options.issueDatetime} is not a date`);
  }

  const context: Context = {
    entityId: options.entityId,
    issuedAtMs,
    customerId: options.customerId ?? derivedUuid(options.entityId, 'customer'),
    discriminator: options.discriminator,
  };
  const [objectKey, object] = objectOf(entry.eventType, context);
  return {
    eventType,
    issueDatetime: options.issueDatetime,
    [objectKey]: withOverrides(object, options.overrides),
  };
}

interface Context {
  entityId: string;
  issuedAtMs: number;
  customerId: string;
  discriminator: string | undefined;
}

function objectOf(eventType: EventType, context: Context): [string, JsonObject] {
  switch (eventType) {
    case 'ON-RAMP.DEPOSIT.RECEIVED':
    case 'ON-RAMP.TRADE.COMPLETED':
    case 'ON-RAMP.WITHDRAWAL.PROCESSING':
    case 'ON-RAMP.WITHDRAWAL.COMPLETED':
    case 'ON-RAMP.ORDER.CANCELLED':
    case 'ON-RAMP.ORDER.REFUNDED':
      return ['transactionObject', onRampTransaction(ON_RAMP_STAGES[eventType], context)];
    case 'OFF-RAMP.DEPOSIT.RECEIVED':
    case 'OFF-RAMP.TRADE.COMPLETED':
    case 'OFF-RAMP.WITHDRAWAL.PROCESSING':
    case 'OFF-RAMP.WITHDRAWAL.COMPLETED':
    case 'OFF-RAMP.ORDER.CANCELLED':
    case 'OFF-RAMP.ORDER.REFUNDED':
      return ['transactionObject', offRampTransaction(OFF_RAMP_STAGES[eventType], context)];
    case 'SELL_AND_PAY.DEPOSIT.RECEIVED':
    case 'SELL_AND_PAY.DEPOSIT.BLOCKED':
    case 'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED':
    case 'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING':
      return ['transaction', sellAndPayTransaction(SELL_AND_PAY_STAGES[eventType], context)];
    case 'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING':
      return ['transaction', orphanDepositRefund(context)];
    case 'SUPPORT_TICKET.CREATED':
    case 'SUPPORT_TICKET.FAILED':
      return ['supportTicket', supportTicket(eventType === 'SUPPORT_TICKET.CREATED', context)];
    case 'KYC.IN_REVIEW':
    case 'KYC.COMPLETED':
    case 'KYC.FAILED':
      return ['payload', kycPayload(context)];
    case 'ACCOUNT.CLOSED':
      return ['account', { customerId: context.entityId, isActive: false }];
    default: {
      const unhandled: never = eventType;
      throw new Error(`sampleEvent: no builder for ${String(unhandled)}`);
    }
  }
}

function withOverrides(object: JsonObject, overrides: Record<string, unknown> | undefined): JsonObject {
  if (overrides === undefined) return object;
  const result: JsonObject = { ...object };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) {
      delete result[key];
    } else {
      // defineProperty, not assignment: an override named `__proto__` becomes a field, not a new prototype.
      Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// On-Ramp: fiat (ARS) in, crypto (USDC) out to the customer's wallet. Shape of the Create On-Ramp Order response.

interface OnRampStage {
  status: string;
  minutesSinceCreation: number;
  traded: boolean;
  withdrawn: boolean;
}

const ON_RAMP_STAGES = {
  'ON-RAMP.DEPOSIT.RECEIVED': {
    status: 'DEPOSIT_RECEIVED',
    minutesSinceCreation: 12,
    traded: false,
    withdrawn: false,
  },
  'ON-RAMP.TRADE.COMPLETED': {
    status: 'TRADE_COMPLETED',
    minutesSinceCreation: 13,
    traded: true,
    withdrawn: false,
  },
  'ON-RAMP.WITHDRAWAL.PROCESSING': {
    status: 'WITHDRAWAL_PROCESSING',
    minutesSinceCreation: 14,
    traded: true,
    withdrawn: true,
  },
  'ON-RAMP.WITHDRAWAL.COMPLETED': {
    status: 'WITHDRAWAL_COMPLETED',
    minutesSinceCreation: 16,
    traded: true,
    withdrawn: true,
  },
  'ON-RAMP.ORDER.CANCELLED': {
    status: 'CANCELLED',
    minutesSinceCreation: 45,
    traded: false,
    withdrawn: false,
  },
  'ON-RAMP.ORDER.REFUNDED': { status: 'REFUNDED', minutesSinceCreation: 90, traded: false, withdrawn: false },
} as const satisfies Record<string, OnRampStage>;

function onRampTransaction(stage: OnRampStage, context: Context): JsonObject {
  const { entityId } = context;
  const fiatAmount = fiatAmountOf(entityId);
  const rate = rateOf(entityId);
  const estimated = divide(fiatAmount, rate, 2);
  return {
    transactionId: entityId,
    createdAt: isoMillis(context.issuedAtMs - minutes(stage.minutesSinceCreation)),
    customerId: context.customerId,
    quoteId: derivedUuid(entityId, 'quote'),
    fromCurrency: 'ARS',
    toCurrency: 'USDC',
    amount: fiatAmount,
    fromAmount: fiatAmount,
    toAmount: estimated,
    finalToAmount: stage.traded ? estimated : null,
    rate,
    chain: 'POLYGON',
    paymentMethodType: 'BANK_TRANSFER',
    depositAddress: evmAddress(entityId, 'customer-wallet'),
    status: stage.status,
    externalRef: `order-${derivedHex(entityId, 'external-ref', 10)}`,
    source: 'API',
    metadata: { session: `sess_${derivedHex(entityId, 'session', 16)}`, storeLabel: 'Almacén Güemes' },
    txnHash: stage.withdrawn ? txHash(entityId, 'withdrawal') : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Off-Ramp: crypto (USDC on Ethereum) in, fiat (ARS) out to the customer's fiat account.

interface OffRampStage {
  status: string;
  minutesSinceCreation: number;
}

const OFF_RAMP_STAGES = {
  'OFF-RAMP.DEPOSIT.RECEIVED': { status: 'DEPOSIT_RECEIVED', minutesSinceCreation: 8 },
  'OFF-RAMP.TRADE.COMPLETED': { status: 'TRADE_COMPLETED', minutesSinceCreation: 9 },
  'OFF-RAMP.WITHDRAWAL.PROCESSING': { status: 'WITHDRAWAL_PROCESSING', minutesSinceCreation: 10 },
  'OFF-RAMP.WITHDRAWAL.COMPLETED': { status: 'WITHDRAWAL_COMPLETED', minutesSinceCreation: 25 },
  'OFF-RAMP.ORDER.CANCELLED': { status: 'CANCELLED', minutesSinceCreation: 11 },
  'OFF-RAMP.ORDER.REFUNDED': { status: 'REFUNDED', minutesSinceCreation: 180 },
} as const satisfies Record<string, OffRampStage>;

function offRampTransaction(stage: OffRampStage, context: Context): JsonObject {
  const { entityId } = context;
  return {
    transactionId: entityId,
    createdAt: isoMicros(context.issuedAtMs - minutes(stage.minutesSinceCreation)),
    fiatAccountId: derivedUuid(context.customerId, 'fiat-account'),
    fromCurrency: 'USDC',
    toCurrency: 'ARS',
    amount: cryptoAmountOf(entityId),
    chain: 'ETHEREUM',
    address: evmAddress(entityId, 'deposit-address'),
    status: stage.status,
    // Every off-ramp event follows the deposit, so each one carries its hash.
    txnHash: context.discriminator ?? txHash(entityId, 'deposit'),
    customerId: context.customerId,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Sell and Pay: crypto deposit, converted to fiat, paid to a merchant's QR code.

interface SellAndPayStage {
  status: string;
  depositStatus: string;
  minutesSinceCreation: number;
  paid: boolean;
  refunded: boolean;
}

const SELL_AND_PAY_STAGES = {
  'SELL_AND_PAY.DEPOSIT.RECEIVED': {
    status: 'CONFIRMED_DEPOSIT',
    depositStatus: 'CONFIRMED',
    minutesSinceCreation: 6,
    paid: false,
    refunded: false,
  },
  'SELL_AND_PAY.DEPOSIT.BLOCKED': {
    status: 'BLOCKED_DEPOSIT',
    depositStatus: 'BLOCKED',
    minutesSinceCreation: 6,
    paid: false,
    refunded: false,
  },
  'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED': {
    status: 'COMPLETED',
    depositStatus: 'CONFIRMED',
    minutesSinceCreation: 10,
    paid: true,
    refunded: false,
  },
  'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING': {
    status: 'REFUNDED',
    depositStatus: 'CONFIRMED',
    minutesSinceCreation: 40,
    paid: false,
    refunded: true,
  },
} as const satisfies Record<string, SellAndPayStage>;

function sellAndPayTransaction(stage: SellAndPayStage, context: Context): JsonObject {
  const { entityId, customerId } = context;
  const createdAtMs = context.issuedAtMs - minutes(stage.minutesSinceCreation);
  const fiatAmount = fiatAmountOf(entityId);
  const rate = rateOf(entityId);
  const cryptoAmount = divide(fiatAmount, rate, 2);
  const depositAddress = evmAddress(entityId, 'deposit-address');
  return {
    id: entityId,
    createdAt: isoMicros(createdAtMs),
    expiresAt: isoMicros(createdAtMs + minutes(60)),
    customerId,
    trade: stage.paid
      ? {
          id: derivedUuid(entityId, 'trade'),
          customerId,
          baseAsset: 'USDC',
          quoteAsset: 'ARS',
          baseAmount: cryptoAmount,
          quoteAmount: fiatAmount,
          rate,
          marketRate: marketRateOf(rate),
        }
      : null,
    paymentOrder: stage.paid
      ? {
          id: derivedUuid(entityId, 'payment-order'),
          customerId,
          merchant: 'Panadería Ñandú',
          qrCode:
            `00020101021226380016AR.COM.RIPIO0114${derivedDigits(entityId, 'qr', 14)}52045812530303258` +
            `02AR5915PANADERIA NANDU6004CABA6304${derivedHex(entityId, 'qr-crc', 4).toUpperCase()}`,
          amount: fiatAmount,
          currency: 'ARS',
          providerTxnId: `prov-${derivedHex(entityId, 'provider-txn', 12)}`,
        }
      : null,
    amount: fiatAmount,
    cryptoAmount,
    paymentCurrency: 'ARS',
    depositCurrency: 'USDC',
    depositNetwork: 'ETHEREUM',
    depositAddress,
    status: stage.status,
    cryptoDeposit: {
      id: context.discriminator ?? derivedUuid(entityId, 'crypto-deposit'),
      txnId: derivedUuid(entityId, 'crypto-deposit-txn'),
      hash: txHash(entityId, 'deposit'),
      currencyCode: 'USDC',
      addressDestination: depositAddress,
      confirmationDate: isoMicros(createdAtMs + minutes(4)),
      amount: cryptoAmount,
      createdAt: isoMicros(createdAtMs + minutes(2)),
      customerId,
      status: stage.depositStatus,
      network: 'ETHEREUM',
    },
    refundTxnHash: stage.refunded ? txHash(entityId, 'refund') : null,
  };
}

/** SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING: only the orphan deposit and the refund hash, which
 * is null until the refund is processed. */
function orphanDepositRefund(context: Context): JsonObject {
  const { entityId } = context;
  return {
    cryptoDeposit: {
      id: entityId,
      txnId: derivedUuid(entityId, 'crypto-deposit-txn'),
      hash: txHash(entityId, 'deposit'),
      currencyCode: 'USDC',
      addressDestination: evmAddress(entityId, 'deposit-address'),
      confirmationDate: isoMicros(context.issuedAtMs - minutes(5)),
      amount: cryptoAmountOf(entityId),
      createdAt: isoMicros(context.issuedAtMs - minutes(7)),
      customerId: context.customerId,
      status: 'CONFIRMED',
      network: 'POLYGON',
    },
    refundTxnHash: null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Support ticket, KYC.

function supportTicket(created: boolean, context: Context): JsonObject {
  return {
    ticketId: context.entityId,
    customerId: context.customerId,
    issueKey: created ? `SUP-${1000 + (derivedNumber(context.entityId, 'issue-key') % 9000)}` : null,
    summary: 'No puedo completar mi depósito',
    status: created ? 'CREATED' : 'FAILED',
  };
}

function kycPayload(context: Context): JsonObject {
  return {
    submissionId: context.discriminator ?? derivedUuid(context.entityId, 'kyc-submission'),
    customerId: context.entityId,
    createdAt: isoMicros(context.issuedAtMs - 36),
    source: 'WIDGET',
    metadata: {},
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Deterministic values derived from the entity id.

function digest(seed: string, label: string): string {
  return createHash('sha256').update(`${label}\u0000${seed}`).digest('hex');
}

function derivedHex(seed: string, label: string, length: number): string {
  return digest(seed, label).slice(0, length);
}

function derivedNumber(seed: string, label: string): number {
  return Number.parseInt(digest(seed, label).slice(0, 12), 16);
}

function derivedDigits(seed: string, label: string, length: number): string {
  return String(derivedNumber(seed, label)).padStart(length, '0').slice(-length);
}

/** A version-4-shaped UUID (fixed version and variant nibbles) from a hash. */
function derivedUuid(seed: string, label: string): string {
  const hex = digest(seed, label);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function txHash(seed: string, label: string): string {
  return `0x${digest(seed, `tx-hash:${label}`)}`;
}

function evmAddress(seed: string, label: string): string {
  return `0x${digest(seed, `address:${label}`).slice(0, 40)}`;
}

/** ARS between 5,000.00 and 504,999.50, in steps of 0.50. */
function fiatAmountOf(entityId: string): string {
  return (5000 + (derivedNumber(entityId, 'fiat-amount') % 1_000_000) / 2).toFixed(2);
}

/** USDC between 10.00 and 2,009.99. */
function cryptoAmountOf(entityId: string): string {
  return (10 + (derivedNumber(entityId, 'crypto-amount') % 200_000) / 100).toFixed(2);
}

/** ARS per USDC between 1150.00 and 1249.99. */
function rateOf(entityId: string): string {
  return (1150 + (derivedNumber(entityId, 'rate') % 10_000) / 100).toFixed(2);
}

function marketRateOf(rate: string): string {
  return (Number(rate) * 1.004).toFixed(2);
}

function divide(numerator: string, denominator: string, decimals: number): string {
  return (Number(numerator) / Number(denominator)).toFixed(decimals);
}

function minutes(count: number): number {
  return count * 60_000;
}

function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** Python-style microseconds, as in Ripio's examples: `2024-10-01T15:20:00.000000Z`. */
function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
