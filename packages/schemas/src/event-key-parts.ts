import { catalogEntryOf, ENTITY_KINDS, type EntityKind } from './catalog.js';
import { ISSUE_TIME_KEY_PREFIX } from './event-key.js';
import type { EventIdentity } from './parse-event.js';

const SEPARATOR = '|';

function decodePart(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/**
 * The identity an event key was built from: the exact inverse of the event key format
 * (`<kind>|<entityId>|<canonicalEventType>[|<discriminator>]`, each part URI-encoded; see `eventKeyOf`). A `raw|`
 * key, and any string that is not a key of a known kind and canonical event type of that kind, is undefined.
 */
export function eventIdentityOfKey(eventKey: string): EventIdentity | undefined {
  const parts = eventKey.split(SEPARATOR).map(decodePart);
  if (parts.length < 3 || parts.length > 4) return undefined;
  const [kindText, entityId, typeText, discriminator] = parts;
  if (kindText === undefined || entityId === undefined || typeText === undefined) return undefined;
  // A part that is not URI-encoded text, or an empty discriminator (`a|b|c|`), is never written.
  if (parts.length === 4 && (discriminator === undefined || discriminator === '')) return undefined;
  const kind = ENTITY_KINDS.find((known): known is EntityKind => known === kindText);
  const entry = catalogEntryOf(typeText);
  // Keys carry the canonical type only (aliases are resolved before a key is built), of the key's kind.
  if (kind === undefined || entry === undefined || entry.eventType !== typeText || entry.kind !== kind) {
    return undefined;
  }
  // The fourth part is the discriminator, or `at-<issueDatetime>` for a type keyed by issue time without one.
  if (
    discriminator?.startsWith(ISSUE_TIME_KEY_PREFIX) === true &&
    entry.keyedBy === 'discriminator-or-issue-time'
  ) {
    const issueDatetime = discriminator.slice(ISSUE_TIME_KEY_PREFIX.length);
    return { kind, entityId, eventType: entry.eventType, discriminator: undefined, issueDatetime };
  }
  return { kind, entityId, eventType: entry.eventType, discriminator, issueDatetime: undefined };
}
