import { z } from 'zod';
import { Identifier, nullableString, optionalString } from '../common.js';

/** Off-Ramp transaction (ripio-docs/off-ramp-webhooks.txt, "Transaction Object Fields"). */
export const OffRampTransaction = z.looseObject({
  transactionId: Identifier,
  createdAt: optionalString,
  fiatAccountId: optionalString,
  fromCurrency: optionalString,
  toCurrency: optionalString,
  amount: optionalString,
  chain: optionalString,
  address: optionalString,
  status: optionalString,
  /** Optional: typically present from OFF-RAMP.DEPOSIT.RECEIVED on. */
  txnHash: nullableString,
  customerId: nullableString,
});
export type OffRampTransaction = z.infer<typeof OffRampTransaction>;
