import { describe, expect, it } from 'vitest';
import { ALIAS_NAMES, EVENT_TYPES, KIND_SHAPES, catalogEntryOf, type WireEventName } from './catalog.js';
import { eventKeyOf, eventKeyOfEvent, eventKeyOfUnvalidated, keyPartOf, rawEventKey } from './event-key.js';
import { fixtureNames, readFixture } from './fixture-files.test-helpers.js';
import { identifyEvent, parseEvent, type ParsedEvent } from './parse-event.js';
import { toRipioJson } from './ripio-json.js';
import { sampleEvent, type SampleEventOptions } from './sample-events.js';

const ISSUED = '2026-03-12T14:22:22.508Z';
const WIRE_NAMES: WireEventName[] = [...EVENT_TYPES, ...ALIAS_NAMES];

/** The worker's key (it validates) and the receiver's key (it does not) of one body. */
function keysOf(text: string): { validated: string; unvalidated: string } {
  const json: unknown = JSON.parse(text);
  return { validated: eventKeyOf(parseEvent(json), text), unvalidated: eventKeyOfUnvalidated(json, text) };
}

function validEventOf(text: string): ParsedEvent {
  const parsed = parseEvent(JSON.parse(text));
  if (!parsed.ok) throw new Error(`not valid: ${parsed.issues.join('; ')}`);
  return parsed.event;
}

function keyPartOfEvent(event: ParsedEvent): string | undefined {
  return keyPartOf(event.eventType, event.discriminator, event.issueDatetime);
}

function sampleText(eventType: WireEventName, options: Partial<SampleEventOptions> = {}): string {
  return toRipioJson(sampleEvent(eventType, { entityId: 'entity-1', issueDatetime: ISSUED, ...options }));
}

/** The object field each kind reads its entity id from (the orphan deposit's is nested: cryptoDeposit.id). */
const ENTITY_ID_FIELD = {
  'on-ramp': 'transactionId',
  'off-ramp': 'transactionId',
  'sell-and-pay': 'id',
  'sell-and-pay-orphan-deposit': 'cryptoDeposit',
  'support-ticket': 'ticketId',
  kyc: 'customerId',
  account: 'customerId',
} as const;

/** Overrides that make the discriminator a number (the event is then invalid), by canonical type. */
const NUMERIC_DISCRIMINATOR: Record<string, Record<string, unknown>> = {
  'OFF-RAMP.DEPOSIT.RECEIVED': { txnHash: 42 },
  'OFF-RAMP.TRADE.COMPLETED': { txnHash: 42 },
  'OFF-RAMP.WITHDRAWAL.PROCESSING': { txnHash: 42 },
  'OFF-RAMP.WITHDRAWAL.COMPLETED': { txnHash: 42 },
  'OFF-RAMP.ORDER.CANCELLED': { txnHash: 42 },
  'OFF-RAMP.ORDER.REFUNDED': { txnHash: 42 },
  'SELL_AND_PAY.DEPOSIT.RECEIVED': { cryptoDeposit: { id: 42 } },
  'SELL_AND_PAY.DEPOSIT.BLOCKED': { cryptoDeposit: { id: 42 } },
  'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING': { cryptoDeposit: { id: 42 } },
  'KYC.IN_REVIEW': { submissionId: 42 },
  'KYC.COMPLETED': { submissionId: 42 },
  'KYC.FAILED': { submissionId: 42 },
};

describe('identifyEvent / eventKeyOfUnvalidated: valid events', () => {
  it("every fixture (docs and realistic) gets exactly the worker's key and identity", () => {
    let checked = 0;
    for (const folder of ['docs', 'realistic'] as const) {
      for (const name of fixtureNames(folder)) {
        const text = readFixture(folder, name);
        const event = validEventOf(text);
        expect(eventKeyOfUnvalidated(JSON.parse(text), text), `${folder}/${name}`).toBe(
          eventKeyOfEvent(event),
        );
        expect(identifyEvent(JSON.parse(text)), `${folder}/${name}`).toEqual({
          kind: event.kind,
          entityId: event.entityId,
          eventType: event.eventType,
          discriminator: event.discriminator,
          issueDatetime: event.issueDatetime,
        });
        checked += 1;
      }
    }
    expect(checked).toBe(fixtureNames('docs').length + fixtureNames('realistic').length);
    expect(checked).toBeGreaterThan(20);
  });

  it('every catalog name (aliases too), with and without a discriminator, gets the same key both ways', () => {
    for (const name of WIRE_NAMES) {
      for (const discriminator of [undefined, '0xd:1|2']) {
        const text = sampleText(name, discriminator === undefined ? {} : { discriminator });
        expect(keysOf(text).unvalidated, `${name} ${String(discriminator)}`).toBe(
          eventKeyOfEvent(validEventOf(text)),
        );
      }
    }
  });

  it('an off-ramp event without txnHash (keyed by its issue time) gets the same key both ways', () => {
    for (const name of WIRE_NAMES.filter((n) => n.startsWith('OFF-RAMP.'))) {
      for (const txnHash of [undefined, null, '']) {
        const text = sampleText(name, { overrides: { txnHash } });
        expect(keysOf(text).unvalidated, name).toBe(eventKeyOfEvent(validEventOf(text)));
        expect(keysOf(text).unvalidated, name).toMatch(/\|at-2026-03-12T14%3A22%3A22\.508Z$/);
      }
    }
  });

  it('resolves aliases to the canonical type', () => {
    const identity = identifyEvent(JSON.parse(sampleText('SELL_AND_PAY.DEPOSIT_CONFIRMED')));
    expect(identity?.eventType).toBe('SELL_AND_PAY.DEPOSIT.RECEIVED');
  });
});

describe('identifyEvent / eventKeyOfUnvalidated: invalid events', () => {
  it('bodies with no catalog type or no object: the raw key, as eventKeyOf', () => {
    const bodies = [
      '[]',
      '"text"',
      '{}',
      '{"eventType":""}',
      '{"eventType":42,"transactionObject":{"transactionId":"t"}}',
      '{"eventType":"OFF-RAMP.NEW.THING","issueDatetime":"2026-03-12T14:22:22Z","transactionObject":{"transactionId":"t"}}',
      '{"eventType":"OFF-RAMP.DEPOSIT.RECEIVED","issueDatetime":"2026-03-12T14:22:22Z"}',
      '{"eventType":"OFF-RAMP.DEPOSIT.RECEIVED","transactionObject":"t"}',
      '{"eventType":"OFF-RAMP.DEPOSIT.RECEIVED","transactionObject":["t"]}',
      '{"eventType":"SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING","transaction":{"cryptoDeposit":null}}',
    ];
    for (const text of bodies) {
      expect(identifyEvent(JSON.parse(text)), text).toBeUndefined();
      expect(keysOf(text), text).toEqual({ validated: rawEventKey(text), unvalidated: rawEventKey(text) });
    }
  });

  it('an entity id that is missing, empty, null or not a string: the raw key, as eventKeyOf', () => {
    for (const name of WIRE_NAMES) {
      const kind = catalogEntryOf(name)?.kind;
      if (kind === undefined) throw new Error(name);
      const field = ENTITY_ID_FIELD[kind];
      const bad =
        field === 'cryptoDeposit' ? [undefined, null, {}, { id: '' }, { id: 7 }] : [undefined, '', null, 7];
      for (const value of bad) {
        const text = sampleText(name, { overrides: { [field]: value } });
        expect(parseEvent(JSON.parse(text)).ok, `${name} ${JSON.stringify(value)}`).toBe(false);
        expect(keysOf(text), `${name} ${JSON.stringify(value)}`).toEqual({
          validated: rawEventKey(text),
          unvalidated: rawEventKey(text),
        });
      }
    }
  });

  it('a discriminator that is not a string: the identity without it, as eventKeyOf (or the issue time)', () => {
    for (const [eventType, overrides] of Object.entries(NUMERIC_DISCRIMINATOR)) {
      const text = sampleText(eventType as WireEventName, { overrides });
      expect(parseEvent(JSON.parse(text)).ok, eventType).toBe(false);
      const { validated, unvalidated } = keysOf(text);
      expect(validated.split('|'), eventType).toHaveLength(3);
      // Off-ramp types fall back to the issue time, which the receiver can still read.
      const fallback = eventType.startsWith('OFF-RAMP.') ? `|at-${encodeURIComponent(ISSUED)}` : '';
      expect(unvalidated, eventType).toBe(`${validated}${fallback}`);
    }
  });

  it('invalid elsewhere, type keyed without a part: the same identity key as eventKeyOf', () => {
    let checked = 0;
    for (const name of WIRE_NAMES) {
      const text = sampleText(name).replace(ISSUED, 'not a date');
      expect(parseEvent(JSON.parse(text)).ok, name).toBe(false);
      const { validated, unvalidated } = keysOf(text);
      if (keyPartOfEvent(validEventOf(sampleText(name))) !== undefined) continue;
      expect(unvalidated, name).toBe(validated);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('invalid elsewhere with a readable key part: keeps it (the key the event has once it validates)', () => {
    let checked = 0;
    for (const name of WIRE_NAMES) {
      const valid = sampleText(name, { discriminator: '0xdisc' });
      const part = keyPartOfEvent(validEventOf(valid));
      if (part === undefined) continue;
      expect(part, name).toBe('0xdisc');
      const text = valid.replace(ISSUED, 'not a date');
      const { validated, unvalidated } = keysOf(text);
      expect(validated, name).not.toContain('0xdisc');
      expect(unvalidated, name).toBe(`${validated}|${part}`);
      expect(unvalidated, name).toBe(eventKeyOfEvent(validEventOf(valid)));
      checked += 1;
    }
    // Every type with a key part, and its aliases.
    expect(checked).toBeGreaterThanOrEqual(Object.keys(NUMERIC_DISCRIMINATOR).length);
  });

  it('never throws on odd shapes (no prototype, wrong nesting)', () => {
    const hostile: unknown[] = [
      null,
      42,
      { eventType: 'OFF-RAMP.DEPOSIT.RECEIVED', transactionObject: Object.create(null) as object },
      { eventType: 'SELL_AND_PAY.DEPOSIT.RECEIVED', transaction: { id: 's', cryptoDeposit: 'x' } },
    ];
    for (const json of hostile) expect(() => identifyEvent(json)).not.toThrow();
    expect(Object.keys(KIND_SHAPES)).toHaveLength(Object.keys(ENTITY_ID_FIELD).length);
  });
});
