import { createHash } from 'node:crypto';
import type { EntityKind, EventType } from './catalog.js';
import { identifyEvent, type EventIdentity, type ParsedEvent, type ParseResult } from './parse-event.js';

/**
 * The idempotency key of one event: the BullMQ job id in the receiver and the durable dedupe record in the
 * worker, so both must come from this one function.
 *
 *   <kind>|<entityId>|<canonicalEventType>[|<discriminator>]   when the entity id can be read
 *   raw|<sha256 hex of the raw body>                            otherwise
 *
 * Ripio sends no event id. A redelivery repeats the same entity and event type, so that triple names the event;
 * a discriminator is added only where one entity can legitimately see the same type twice (a second deposit,
 * a new KYC submission, an orphan refund once its hash is known). Aliases are resolved first, so an old-name
 * and a new-name delivery of one event share a key. Each part is URI-encoded: a key never contains `:`
 * (BullMQ job ids must not) and `|` can only be a separator.
 */
export function eventKeyOf(result: ParseResult, rawBody: string | Uint8Array): string {
  if (result.ok) return eventKeyOfEvent(result.event);
  if (result.identity !== undefined) {
    return joinKey(result.identity.kind, result.identity.entityId, result.identity.eventType, undefined);
  }
  return rawEventKey(rawBody);
}

export function eventKeyOfEvent(event: ParsedEvent): string {
  return joinKey(event.kind, event.entityId, event.eventType, event.discriminator);
}

/** The key of an identity read by `identifyEvent`. */
export function eventKeyOfIdentity(identity: EventIdentity): string {
  return joinKey(identity.kind, identity.entityId, identity.eventType, identity.discriminator);
}

/**
 * The event key of decoded JSON without validating it (the receiver's path): `eventKeyOfIdentity` of
 * `identifyEvent`, or the raw key. Equal to `eventKeyOf(parseEvent(json), rawBody)` for every valid event and
 * for every invalid one except that a readable discriminator is kept (see `identifyEvent`).
 */
export function eventKeyOfUnvalidated(json: unknown, rawBody: string | Uint8Array): string {
  const identity = identifyEvent(json);
  return identity === undefined ? rawEventKey(rawBody) : eventKeyOfIdentity(identity);
}

export function rawEventKey(rawBody: string | Uint8Array): string {
  return `raw|${sha256Hex(rawBody)}`;
}

export function sha256Hex(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

function joinKey(
  kind: EntityKind,
  entityId: string,
  eventType: EventType,
  discriminator: string | undefined,
): string {
  const parts = [kind, entityId, eventType];
  if (discriminator !== undefined && discriminator !== '') parts.push(discriminator);
  return parts.map(encodeURIComponent).join('|');
}
