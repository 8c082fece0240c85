import type { JsonObject, SampleContext } from './context.js';
import { derivedNumber, derivedUuid, isoMicros } from './derived-values.js';

// Support ticket, KYC.

export function supportTicket(created: boolean, context: SampleContext): JsonObject {
  return {
    ticketId: context.entityId,
    customerId: context.customerId,
    issueKey: created ? `SUP-${1000 + (derivedNumber(context.entityId, 'issue-key') % 9000)}` : null,
    summary: 'No puedo completar mi depósito',
    status: created ? 'CREATED' : 'FAILED',
  };
}

export function kycPayload(context: SampleContext): JsonObject {
  return {
    submissionId: context.discriminator ?? derivedUuid(context.entityId, 'kyc-submission'),
    customerId: context.entityId,
    createdAt: isoMicros(context.issuedAtMs - 36),
    source: 'WIDGET',
    metadata: {},
  };
}
