/*
 * The object each entity kind's events carry (`event.object`), as the worker validated it. Ripio documents these
 * fields; only the entity's id is required, and fields Ripio adds later are kept (the index signature).
 */

/** On-Ramp transaction (`transactionObject`, or `transaction` on the widget's events). */
export interface OnRampTransaction {
  transactionId: string;
  createdAt?: string | undefined;
  customerId?: string | undefined;
  quoteId?: string | null | undefined;
  fromCurrency?: string | undefined;
  toCurrency?: string | undefined;
  amount?: string | undefined;
  fromAmount?: string | null | undefined;
  toAmount?: string | null | undefined;
  finalToAmount?: string | null | undefined;
  rate?: string | null | undefined;
  chain?: string | undefined;
  paymentMethodType?: string | null | undefined;
  depositAddress?: string | null | undefined;
  status?: string | undefined;
  externalRef?: string | null | undefined;
  source?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
  txnHash?: string | null | undefined;
  [field: string]: unknown;
}

/** Off-Ramp transaction (`transactionObject`). `txnHash` names the deposit, typically from DEPOSIT.RECEIVED on. */
export interface OffRampTransaction {
  transactionId: string;
  createdAt?: string | undefined;
  fiatAccountId?: string | undefined;
  fromCurrency?: string | undefined;
  toCurrency?: string | undefined;
  amount?: string | undefined;
  chain?: string | undefined;
  address?: string | undefined;
  status?: string | undefined;
  txnHash?: string | null | undefined;
  customerId?: string | null | undefined;
  [field: string]: unknown;
}

/** A Sell and Pay trade: the crypto-to-fiat conversion. */
export interface SellAndPayTrade {
  id?: string | undefined;
  customerId?: string | undefined;
  baseAsset?: string | undefined;
  quoteAsset?: string | undefined;
  baseAmount?: string | undefined;
  quoteAmount?: string | undefined;
  rate?: string | undefined;
  marketRate?: string | undefined;
  [field: string]: unknown;
}

/** A Sell and Pay payment order: the QR code payment to the merchant. */
export interface SellAndPayPaymentOrder {
  id?: string | undefined;
  customerId?: string | undefined;
  merchant?: string | undefined;
  qrCode?: string | undefined;
  amount?: string | undefined;
  currency?: string | undefined;
  providerTxnId?: string | null | undefined;
  [field: string]: unknown;
}

/** A crypto deposit detected on chain; its `id` tells two deposits of one transaction apart. */
export interface SellAndPayCryptoDeposit {
  id?: string | undefined;
  txnId?: string | undefined;
  hash?: string | undefined;
  currencyCode?: string | undefined;
  addressDestination?: string | undefined;
  confirmationDate?: string | null | undefined;
  amount?: string | undefined;
  createdAt?: string | undefined;
  customerId?: string | undefined;
  status?: string | undefined;
  network?: string | undefined;
  [field: string]: unknown;
}

/** The Sell and Pay transaction (`transaction`). */
export interface SellAndPayTransaction {
  id: string;
  createdAt?: string | undefined;
  expiresAt?: string | undefined;
  customerId?: string | undefined;
  trade?: SellAndPayTrade | null | undefined;
  paymentOrder?: SellAndPayPaymentOrder | null | undefined;
  amount?: string | undefined;
  cryptoAmount?: string | undefined;
  paymentCurrency?: string | undefined;
  depositCurrency?: string | undefined;
  depositNetwork?: string | undefined;
  depositAddress?: string | undefined;
  status?: string | undefined;
  cryptoDeposit?: SellAndPayCryptoDeposit | null | undefined;
  refundTxnHash?: string | null | undefined;
  [field: string]: unknown;
}

/** SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING: a deposit with no transaction, being refunded. */
export interface OrphanDepositRefund {
  cryptoDeposit: SellAndPayCryptoDeposit & { id: string };
  /** Null until the refund is processed. */
  refundTxnHash?: string | null | undefined;
  [field: string]: unknown;
}

/** Support ticket (`supportTicket`). `issueKey` is null for SUPPORT_TICKET.FAILED. */
export interface SupportTicket {
  ticketId: string;
  customerId?: string | undefined;
  issueKey?: string | null | undefined;
  summary?: string | undefined;
  status?: string | undefined;
  [field: string]: unknown;
}

/** KYC submission (`payload`). `source` is WIDGET or API. */
export interface KycPayload {
  customerId: string;
  submissionId?: string | undefined;
  createdAt?: string | undefined;
  source?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
  [field: string]: unknown;
}

/** Account (`account` of ACCOUNT.CLOSED). */
export interface Account {
  customerId: string;
  isActive?: boolean | undefined;
  [field: string]: unknown;
}
