import { z } from 'zod';
import { Identifier, nullableString, optionalString } from '../common.js';

/** SellAndPayTrade: the crypto-to-fiat conversion. */
const SellAndPayTrade = z.looseObject({
  id: optionalString,
  customerId: optionalString,
  baseAsset: optionalString,
  quoteAsset: optionalString,
  baseAmount: optionalString,
  quoteAmount: optionalString,
  rate: optionalString,
  marketRate: optionalString,
});

/** SellAndPayPaymentOrder: the QR code payment to the merchant. */
const SellAndPayPaymentOrder = z.looseObject({
  id: optionalString,
  customerId: optionalString,
  merchant: optionalString,
  qrCode: optionalString,
  amount: optionalString,
  currency: optionalString,
  providerTxnId: nullableString,
});

/** SellAndPayCryptoDeposit: the deposit detected on chain. Its `id` tells two deposits of one transaction apart
 * (the event key's discriminator); it is required only where it is the entity id (the orphan deposit). */
const SellAndPayCryptoDeposit = z.looseObject({
  id: optionalString,
  txnId: optionalString,
  hash: optionalString,
  currencyCode: optionalString,
  addressDestination: optionalString,
  confirmationDate: nullableString,
  amount: optionalString,
  createdAt: optionalString,
  customerId: optionalString,
  status: optionalString,
  network: optionalString,
});

/** The Sell and Pay transaction object (SellAndPayWebhookSerializer). `trade`, `paymentOrder`,
 * `cryptoDeposit` and `refundTxnHash` are nullable as documented. */
export const SellAndPayTransaction = z.looseObject({
  id: Identifier,
  createdAt: optionalString,
  expiresAt: optionalString,
  customerId: optionalString,
  trade: SellAndPayTrade.nullable().optional(),
  paymentOrder: SellAndPayPaymentOrder.nullable().optional(),
  amount: optionalString,
  cryptoAmount: optionalString,
  paymentCurrency: optionalString,
  depositCurrency: optionalString,
  depositNetwork: optionalString,
  depositAddress: optionalString,
  status: optionalString,
  cryptoDeposit: SellAndPayCryptoDeposit.nullable().optional(),
  refundTxnHash: nullableString,
});
export type SellAndPayTransaction = z.infer<typeof SellAndPayTransaction>;

/** The special object of SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING: no transaction, only the
 * orphan deposit and the refund hash (null until the refund is processed). */
export const OrphanDepositRefund = z.looseObject({
  cryptoDeposit: SellAndPayCryptoDeposit.extend({ id: Identifier }),
  refundTxnHash: nullableString,
});
export type OrphanDepositRefund = z.infer<typeof OrphanDepositRefund>;
