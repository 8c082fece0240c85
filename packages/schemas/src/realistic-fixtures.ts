import { ALIAS_NAMES, catalogEntryOf, EVENT_TYPES, type EntityKind, type WireEventName } from './catalog.js';
import { toRipioJson } from './ripio-json.js';
import { sampleEvent, type SampleEventOptions } from './sample-events.js';

/**
 * The realistic fixture set: one event per catalog type and per alias, as Ripio would serialize it. The files in
 * `fixtures/realistic/<wire name>.json` are this list written out by `scripts/write-fixtures.ts`; a test fails
 * when they drift apart.
 */
export interface RealisticFixture {
  /** The name on the wire (canonical or alias). */
  wireName: WireEventName;
  fileName: string;
  options: SampleEventOptions;
  /** `toRipioJson(sampleEvent(wireName, options))`: compact, ASCII-escaped, no trailing newline. */
  text: string;
}

/** One entity per kind, so the fixtures of one kind read as the life of one entity. */
export const FIXTURE_ENTITY_IDS: { readonly [K in EntityKind]: string } = {
  'on-ramp': '3f1c9a52-7d4e-4b8a-9c61-0e2f5a7b8c9d',
  'off-ramp': '8e2d4c61-5b3a-4f7e-a1d9-6c0b2e4f8a13',
  'sell-and-pay': 'a3b2c1d0-1234-4678-90ab-cdef12345678',
  'sell-and-pay-orphan-deposit': '5d7e9f1a-2b4c-4d6e-8f0a-1b3c5d7e9f2a',
  'support-ticket': '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
  kyc: '75c7e2a8-4d1f-4b6e-9a3c-8f2d1e0b7c64',
  account: '7142b065-79c4-4f48-9e33-11b23b6689e2',
};

const FIXTURE_CUSTOMER_ID = 'b6cecc1f-c90d-424b-adaa-c82b780696c1';

/** Issue times one minute apart, in catalog order (aliases after their canonical names). */
const FIRST_ISSUE_MS = Date.UTC(2026, 2, 12, 14, 0, 0, 123);

export function realisticFixtures(): RealisticFixture[] {
  const wireNames: WireEventName[] = [...EVENT_TYPES, ...ALIAS_NAMES];
  return wireNames.map((wireName) => {
    const entry = catalogEntryOf(wireName);
    if (entry === undefined) throw new Error(`realisticFixtures: ${wireName} is not in the catalog`);
    // An alias shares its canonical fixture's issue time, so the two are one event under two names.
    const options: SampleEventOptions = {
      entityId: FIXTURE_ENTITY_IDS[entry.kind],
      issueDatetime: new Date(FIRST_ISSUE_MS + wireNames.indexOf(entry.eventType) * 60_000).toISOString(),
      customerId: FIXTURE_CUSTOMER_ID,
    };
    return {
      wireName,
      fileName: `${wireName}.json`,
      options,
      text: toRipioJson(sampleEvent(wireName, options)),
    };
  });
}
