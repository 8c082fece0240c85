import { z } from 'zod';
import { Identifier, nullableString, optionalString } from '../common.js';

/**
 * On-Ramp transaction, as on the Create On-Ramp Order response (the likely webhook shape, see docs/events.md).
 * Only `transactionId` is required; unknown fields are kept.
 */
export const OnRampTransaction = z.looseObject({
  transactionId: Identifier,
  createdAt: optionalString,
  customerId: optionalString,
  quoteId: nullableString,
  fromCurrency: optionalString,
  toCurrency: optionalString,
  amount: optionalString,
  fromAmount: nullableString,
  toAmount: nullableString,
  finalToAmount: nullableString,
  rate: nullableString,
  chain: optionalString,
  paymentMethodType: nullableString,
  depositAddress: nullableString,
  status: optionalString,
  externalRef: nullableString,
  source: nullableString,
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  txnHash: nullableString,
});
export type OnRampTransaction = z.infer<typeof OnRampTransaction>;
