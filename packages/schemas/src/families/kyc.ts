import { z } from 'zod';
import { Identifier, nullableString, optionalString } from '../common.js';

/** KYC payload (ripio-notes.md: `payload` of KYC.COMPLETED). `source` is WIDGET or API; kept as a string. */
export const KycPayload = z.looseObject({
  customerId: Identifier,
  submissionId: optionalString,
  createdAt: optionalString,
  source: nullableString,
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type KycPayload = z.infer<typeof KycPayload>;
