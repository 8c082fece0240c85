import type { JsonObject, SampleContext } from './context.js';
import {
  cryptoAmountOf,
  derivedDigits,
  derivedHex,
  derivedUuid,
  divide,
  evmAddress,
  fiatAmountOf,
  isoMicros,
  marketRateOf,
  minutes,
  rateOf,
  txHash,
} from './derived-values.js';

// Sell and Pay: crypto deposit, converted to fiat, paid to a merchant's QR code.

interface SellAndPayStage {
  status: string;
  depositStatus: string;
  minutesSinceCreation: number;
  paid: boolean;
  refunded: boolean;
}

export const SELL_AND_PAY_STAGES = {
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

export function sellAndPayTransaction(stage: SellAndPayStage, context: SampleContext): JsonObject {
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
export function orphanDepositRefund(context: SampleContext): JsonObject {
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
