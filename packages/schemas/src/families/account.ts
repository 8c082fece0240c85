import { z } from 'zod';
import { Identifier } from '../common.js';

/** Account (ripio-notes.md: `account` of ACCOUNT.CLOSED). Deactivation is irreversible. */
export const Account = z.looseObject({
  customerId: Identifier,
  isActive: z.boolean().optional(),
});
export type Account = z.infer<typeof Account>;
