import type { JsonObject, SampleContext } from './context.js';
import {
  cryptoAmountOf,
  derivedHex,
  derivedUuid,
  divide,
  evmAddress,
  fiatAmountOf,
  isoMicros,
  isoMillis,
  minutes,
  rateOf,
  txHash,
} from './derived-values.js';

// On-Ramp: fiat (ARS) in, crypto (USDC) out to the customer's wallet. Shape of the Create On-Ramp Order response.

interface OnRampStage {
  status: string;
  minutesSinceCreation: number;
  traded: boolean;
  withdrawn: boolean;
}

export const ON_RAMP_STAGES = {
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

export function onRampTransaction(stage: OnRampStage, context: SampleContext): JsonObject {
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

export const OFF_RAMP_STAGES = {
  'OFF-RAMP.DEPOSIT.RECEIVED': { status: 'DEPOSIT_RECEIVED', minutesSinceCreation: 8 },
  'OFF-RAMP.TRADE.COMPLETED': { status: 'TRADE_COMPLETED', minutesSinceCreation: 9 },
  'OFF-RAMP.WITHDRAWAL.PROCESSING': { status: 'WITHDRAWAL_PROCESSING', minutesSinceCreation: 10 },
  'OFF-RAMP.WITHDRAWAL.COMPLETED': { status: 'WITHDRAWAL_COMPLETED', minutesSinceCreation: 25 },
  'OFF-RAMP.ORDER.CANCELLED': { status: 'CANCELLED', minutesSinceCreation: 11 },
  'OFF-RAMP.ORDER.REFUNDED': { status: 'REFUNDED', minutesSinceCreation: 180 },
} as const satisfies Record<string, OffRampStage>;

export function offRampTransaction(stage: OffRampStage, context: SampleContext): JsonObject {
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
