import { z } from 'zod';
import { Identifier, nullableString, optionalString } from '../common.js';

/** Support ticket (ripio-docs/support-ticket-webhooks.txt). `issueKey` is null for SUPPORT_TICKET.FAILED. */
export const SupportTicket = z.looseObject({
  ticketId: Identifier,
  customerId: optionalString,
  issueKey: nullableString,
  summary: optionalString,
  status: optionalString,
});
export type SupportTicket = z.infer<typeof SupportTicket>;
