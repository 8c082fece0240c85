import { createHash } from 'node:crypto';
import { catalogEntryOf, type EntityKind, type EventType } from './catalog.js';
import { identifyEvent, type EventIdentity, type ParsedEvent, type ParseResult } from './parse-event.js';

/**
 * The idempotency key of one event: the BullMQ job id in the receiver and the durable dedupe record in the
 * worker, so both must come from this one function.
 *
 *   <kind>|<entityId>|<canonicalEventType>[|<part>]   when the entity id can be read
 *   raw|<sha256 hex of the raw body>                   otherwise
 *
 * Ripio sends no event id. A redelivery repeats the same entity and event type, so that triple names the event;
 * `<part>` is added only where one entity can legitimately see the same type twice (`keyPartOf`: a second
 * deposit or deposit cycle, a new KYC submission). Aliases are resolved first, so an old-name and a new-name
 * delivery of one event share a key. Each part is URI-encoded: a key never contains `:` (BullMQ job ids must
 * not) and `|` can only be a separator.
 */
export function eventKeyOf(result: ParseResult, rawBody: string | Uint8Array): string {
  if (result.ok) return eventKeyOfEvent(result.event);
  if (result.identity !== undefined) {
    return joinKey(result.identity.kind, result.identity.entityId, result.identity.eventType, undefined);
  }
  return rawEventKey(rawBody);
}

export function eventKeyOfEvent(event: ParsedEvent): string {
  const part = keyPartOf(event.eventType, event.discriminator, event.issueDatetime);
  return joinKey(event.kind, event.entityId, event.eventType, part);
}

/** The key of an identity read by `identifyEvent`. */
export function eventKeyOfIdentity(identity: EventIdentity): string {
  const part = keyPartOf(identity.eventType, identity.discriminator, identity.issueDatetime);
  return joinKey(identity.kind, identity.entityId, identity.eventType, part);
}

/** Prefix of the key part that stands in for a missing discriminator (see `keyPartOf`). */
export const ISSUE_TIME_KEY_PREFIX = 'at-';

/**
 * The part after `<kind>|<entityId>|<type>` for an event of this type, by the catalog's `keyedBy`: nothing,
 * the discriminator, or (for types that recur across an off-ramp session's deposit cycles) the discriminator or
 * else `at-<issueDatetime>`, which an exact redelivery shares and a new event does not.
 */
export function keyPartOf(
  eventType: EventType,
  discriminator: string | undefined,
  issueDatetime: string | undefined,
): string | undefined {
  const keyedBy = catalogEntryOf(eventType)?.keyedBy;
  switch (keyedBy) {
    case undefined:
      throw new Error(`Event type ${eventType} is not in the catalog`);
    case 'type':
      return undefined;
    case 'discriminator':
      return discriminator;
    case 'discriminator-or-issue-time':
      if (discriminator !== undefined) return discriminator;
      return issueDatetime === undefined ? undefined : `${ISSUE_TIME_KEY_PREFIX}${issueDatetime}`;
    default: {
      const unknownPolicy: never = keyedBy;
      throw new Error(`unknown key policy ${String(unknownPolicy)}`);
    }
  }
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

function joinKey(kind: EntityKind, entityId: string, eventType: EventType, part: string | undefined): string {
  const parts = [kind, entityId, eventType];
  if (part !== undefined && part !== '') parts.push(part);
  return parts.map(encodeURIComponent).join('|');
}
