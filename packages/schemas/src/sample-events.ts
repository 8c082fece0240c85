import { catalogEntryOf, type EventType, type WireEventName } from './catalog.js';
import type { JsonObject, SampleContext } from './sample-events/context.js';
import { derivedUuid } from './sample-events/derived-values.js';
import {
  OFF_RAMP_STAGES,
  offRampTransaction,
  ON_RAMP_STAGES,
  onRampTransaction,
} from './sample-events/ramps.js';
import {
  orphanDepositRefund,
  SELL_AND_PAY_STAGES,
  sellAndPayTransaction,
} from './sample-events/sell-and-pay.js';
import { kycPayload, supportTicket } from './sample-events/support-and-kyc.js';

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

/** Builds the event Ripio would send for `eventType` (canonical or alias; the alias is kept on the wire). */
export function sampleEvent(eventType: WireEventName, options: SampleEventOptions): SampleEnvelope {
  const entry = catalogEntryOf(eventType);
  if (entry === undefined) throw new Error(`sampleEvent: ${String(eventType)} is not in the catalog`);
  const issuedAtMs = Date.parse(options.issueDatetime);
  if (Number.isNaN(issuedAtMs)) {
    throw new RangeError(`sampleEvent: issueDatetime ${options.issueDatetime} is not a date`);
  }

  const context: SampleContext = {
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

function objectOf(eventType: EventType, context: SampleContext): [string, JsonObject] {
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
