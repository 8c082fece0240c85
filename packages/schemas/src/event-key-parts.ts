import { catalogEntryOf, ENTITY_KINDS, type EntityKind } from './catalog.js';
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
  return { kind, entityId, eventType: entry.eventType, discriminator };
}
