import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALIAS_NAMES, CATALOG, type EntityKind, type Family } from './catalog.js';
import { eventKeyOf } from './event-key.js';
import { fixtureNames, readFixture } from './fixture-files.test-helpers.js';
import { parseEventBody, type ParsedEvent } from './parse-event.js';
import { FIXTURE_ENTITY_IDS, realisticFixtures } from './realistic-fixtures.js';
import { toRipioJson } from './ripio-json.js';

function parsedOrFail(text: string): ParsedEvent {
  const result = parseEventBody(text);
  if (!result.ok) {
    throw new Error(`expected a valid event, got ${result.reason}: ${result.issues.join('; ')}`);
  }
  return result.event;
}

interface Expected {
  eventType: string;
  family: Family;
  kind: EntityKind;
  entityId: string;
  status: string;
  discriminator?: string;
}

/** The payloads printed in Ripio's docs, with what each must parse to (read off the docs by hand). */
const DOC_EXAMPLES: Record<string, Expected & { source: string }> = {
  'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED.json': {
    source: 'ripio-docs/sell-and-pay-webhooks.txt',
    eventType: 'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED',
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    entityId: 'a3b2c1d0-1234-5678-90ab-cdef12345678',
    status: 'PAYMENT_ORDER_COMPLETED',
    discriminator: 'deposit-uuid',
  },
  'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING.json': {
    source: 'ripio-docs/sell-and-pay-webhooks.txt',
    eventType: 'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING',
    family: 'sell-and-pay',
    kind: 'sell-and-pay-orphan-deposit',
    entityId: 'orphan-deposit-uuid',
    status: 'DEPOSIT_WITHOUT_SELL_AND_PAY_REFUND_PROCESSING',
  },
  'SUPPORT_TICKET.CREATED.json': {
    source: 'ripio-docs/support-ticket-webhooks.txt',
    eventType: 'SUPPORT_TICKET.CREATED',
    family: 'support-ticket',
    kind: 'support-ticket',
    entityId: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
    status: 'CREATED',
  },
  'SUPPORT_TICKET.FAILED.json': {
    source: 'ripio-docs/support-ticket-webhooks.txt',
    eventType: 'SUPPORT_TICKET.FAILED',
    family: 'support-ticket',
    kind: 'support-ticket',
    entityId: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
    status: 'FAILED',
  },
  'KYC.COMPLETED.json': {
    source: 'ripio-notes.md',
    eventType: 'KYC.COMPLETED',
    family: 'kyc',
    kind: 'kyc',
    entityId: '75c7...',
    status: 'COMPLETED',
    discriminator: '9faf3a52-...',
  },
  'ACCOUNT.CLOSED.json': {
    source: 'ripio-notes.md',
    eventType: 'ACCOUNT.CLOSED',
    family: 'account',
    kind: 'account',
    entityId: '7142...',
    status: 'CLOSED',
  },
};

/** Family, kind and target status of every name on the wire, written out by hand from the docs and notes. */
const REALISTIC: Record<string, { canonical: string; family: Family; kind: EntityKind; status: string }> = {
  'ON-RAMP.DEPOSIT.RECEIVED': {
    canonical: 'ON-RAMP.DEPOSIT.RECEIVED',
    family: 'on-ramp',
    kind: 'on-ramp',
    status: 'DEPOSIT_RECEIVED',
  },
  'ON-RAMP.TRADE.COMPLETED': {
    canonical: 'ON-RAMP.TRADE.COMPLETED',
    family: 'on-ramp',
    kind: 'on-ramp',
    status: 'TRADE_COMPLETED',
  },
  'ON-RAMP.WITHDRAWAL.PROCESSING': {
    canonical: 'ON-RAMP.WITHDRAWAL.PROCESSING',
    family: 'on-ramp',
    kind: 'on-ramp',
    status: 'WITHDRAWAL_PROCESSING',
  },
  'ON-RAMP.WITHDRAWAL.COMPLETED': {
    canonical: 'ON-RAMP.WITHDRAWAL.COMPLETED',
    family: 'on-ramp',
    kind: 'on-ramp',
    status: 'WITHDRAWAL_COMPLETED',
  },
  'ON-RAMP.ORDER.CANCELLED': {
    canonical: 'ON-RAMP.ORDER.CANCELLED',
    family: 'on-ramp',
    kind: 'on-ramp',
    status: 'ORDER_CANCELLED',
  },
  'ON-RAMP.ORDER.REFUNDED': {
    canonical: 'ON-RAMP.ORDER.REFUNDED',
    family: 'on-ramp',
    kind: 'on-ramp',
    status: 'ORDER_REFUNDED',
  },
  'OFF-RAMP.DEPOSIT.RECEIVED': {
    canonical: 'OFF-RAMP.DEPOSIT.RECEIVED',
    family: 'off-ramp',
    kind: 'off-ramp',
    status: 'DEPOSIT_RECEIVED',
  },
  'OFF-RAMP.TRADE.COMPLETED': {
    canonical: 'OFF-RAMP.TRADE.COMPLETED',
    family: 'off-ramp',
    kind: 'off-ramp',
    status: 'TRADE_COMPLETED',
  },
  'OFF-RAMP.WITHDRAWAL.PROCESSING': {
    canonical: 'OFF-RAMP.WITHDRAWAL.PROCESSING',
    family: 'off-ramp',
    kind: 'off-ramp',
    status: 'WITHDRAWAL_PROCESSING',
  },
  'OFF-RAMP.WITHDRAWAL.COMPLETED': {
    canonical: 'OFF-RAMP.WITHDRAWAL.COMPLETED',
    family: 'off-ramp',
    kind: 'off-ramp',
    status: 'WITHDRAWAL_COMPLETED',
  },
  'OFF-RAMP.ORDER.CANCELLED': {
    canonical: 'OFF-RAMP.ORDER.CANCELLED',
    family: 'off-ramp',
    kind: 'off-ramp',
    status: 'ORDER_CANCELLED',
  },
  'OFF-RAMP.ORDER.REFUNDED': {
    canonical: 'OFF-RAMP.ORDER.REFUNDED',
    family: 'off-ramp',
    kind: 'off-ramp',
    status: 'ORDER_REFUNDED',
  },
  'SELL_AND_PAY.DEPOSIT.RECEIVED': {
    canonical: 'SELL_AND_PAY.DEPOSIT.RECEIVED',
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    status: 'DEPOSIT_RECEIVED',
  },
  'SELL_AND_PAY.DEPOSIT_CONFIRMED': {
    canonical: 'SELL_AND_PAY.DEPOSIT.RECEIVED',
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    status: 'DEPOSIT_RECEIVED',
  },
  'SELL_AND_PAY.DEPOSIT.BLOCKED': {
    canonical: 'SELL_AND_PAY.DEPOSIT.BLOCKED',
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    status: 'DEPOSIT_BLOCKED',
  },
  'SELL_AND_PAY.DEPOSIT_BLOCKED': {
    canonical: 'SELL_AND_PAY.DEPOSIT.BLOCKED',
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    status: 'DEPOSIT_BLOCKED',
  },
  'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED': {
    canonical: 'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED',
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    status: 'PAYMENT_ORDER_COMPLETED',
  },
  'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING': {
    canonical: 'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING',
    family: 'sell-and-pay',
    kind: 'sell-and-pay',
    status: 'DEPOSIT_REFUND_PROCESSING',
  },
  'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING': {
    canonical: 'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING',
    family: 'sell-and-pay',
    kind: 'sell-and-pay-orphan-deposit',
    status: 'DEPOSIT_WITHOUT_SELL_AND_PAY_REFUND_PROCESSING',
  },
  'SUPPORT_TICKET.CREATED': {
    canonical: 'SUPPORT_TICKET.CREATED',
    family: 'support-ticket',
    kind: 'support-ticket',
    status: 'CREATED',
  },
  'SUPPORT_TICKET.FAILED': {
    canonical: 'SUPPORT_TICKET.FAILED',
    family: 'support-ticket',
    kind: 'support-ticket',
    status: 'FAILED',
  },
  'KYC.IN_REVIEW': { canonical: 'KYC.IN_REVIEW', family: 'kyc', kind: 'kyc', status: 'IN_REVIEW' },
  'KYC.COMPLETED': { canonical: 'KYC.COMPLETED', family: 'kyc', kind: 'kyc', status: 'COMPLETED' },
  'KYC.FAILED': { canonical: 'KYC.FAILED', family: 'kyc', kind: 'kyc', status: 'FAILED' },
  'ACCOUNT.CLOSED': { canonical: 'ACCOUNT.CLOSED', family: 'account', kind: 'account', status: 'CLOSED' },
};

describe('doc fixtures (fixtures/docs)', () => {
  it('holds exactly the documented examples', () => {
    expect(fixtureNames('docs')).toEqual(Object.keys(DOC_EXAMPLES).sort());
  });

  for (const [name, expected] of Object.entries(DOC_EXAMPLES)) {
    it(`${name} parses to ${expected.kind} ${expected.entityId} -> ${expected.status}`, () => {
      const event = parsedOrFail(readFixture('docs', name));
      expect(event).toMatchObject({
        eventType: expected.eventType,
        receivedAs: expected.eventType,
        family: expected.family,
        kind: expected.kind,
        entityId: expected.entityId,
        status: expected.status,
      });
      expect(event.discriminator).toBe(expected.discriminator);
    });

    it(`${name} loses nothing in the parse`, () => {
      const text = readFixture('docs', name);
      const json = JSON.parse(text) as Record<string, unknown>;
      const objectKey = Object.keys(json).find((key) => key !== 'eventType' && key !== 'issueDatetime');
      expect(objectKey).toBeDefined();
      expect(parsedOrFail(text).object).toEqual(json[objectKey ?? '']);
    });

    it(`${name} keeps unknown extra fields, top-level and nested`, () => {
      const json = JSON.parse(readFixture('docs', name)) as Record<string, Record<string, unknown>>;
      const objectKey = Object.keys(json).find((key) => key !== 'eventType' && key !== 'issueDatetime') ?? '';
      const object = json[objectKey] ?? {};
      // Into every nested object the docs show (trade, paymentOrder, cryptoDeposit, metadata), then one at the top.
      const nestedKeys = Object.keys(object).filter((key) => {
        const value = object[key];
        return typeof value === 'object' && value !== null && !Array.isArray(value);
      });
      for (const key of nestedKeys) (object[key] as Record<string, unknown>).nestedExtra = `kept in ${key}`;
      object.futureField = { nested: ['kept', 1, null] };

      const parsed = parsedOrFail(JSON.stringify(json)).object as Record<string, unknown>;
      expect(parsed).toEqual(object);
      expect(parsed.futureField).toEqual({ nested: ['kept', 1, null] });
      for (const key of nestedKeys) expect(parsed[key]).toHaveProperty('nestedExtra', `kept in ${key}`);
    });
  }

  const specDir = fileURLToPath(new URL('../../../../shared/', import.meta.url));
  describe.skipIf(!existsSync(specDir))('byte for byte against the spec in ../shared', () => {
    for (const [name, expected] of Object.entries(DOC_EXAMPLES)) {
      it(`${name} is printed verbatim in ${expected.source}`, () => {
        const text = readFixture('docs', name);
        const source = readFileSync(`${specDir}${expected.source}`, 'utf8');
        // A whole printed block: it starts and ends a line of the source.
        expect(source.includes(`\n${text}\n`) || source.endsWith(`\n${text}`)).toBe(true);
      });
    }
  });
});

describe('realistic fixtures (fixtures/realistic)', () => {
  const fixtures = realisticFixtures();

  it('has one file per catalog event type and per alias, and nothing else', () => {
    const wanted = [...CATALOG.map((entry) => entry.eventType), ...ALIAS_NAMES].map((name) => `${name}.json`);
    expect(fixtureNames('realistic')).toEqual(wanted.sort());
    expect(Object.keys(REALISTIC).sort()).toEqual(
      [...CATALOG.map((entry) => entry.eventType), ...ALIAS_NAMES].sort(),
    );
  });

  it('every catalog entry and alias has a doc or realistic fixture', () => {
    const files = new Set(fixtureNames('realistic'));
    for (const entry of CATALOG) {
      expect(files.has(`${entry.eventType}.json`), entry.eventType).toBe(true);
      for (const alias of entry.aliases) expect(files.has(`${alias}.json`), alias).toBe(true);
    }
  });

  it('files are what the builder produces (regenerate: pnpm --filter @ripio-webhooks/schemas run fixtures)', () => {
    for (const fixture of fixtures) {
      expect(readFixture('realistic', fixture.fileName), fixture.fileName).toBe(fixture.text);
    }
  });

  for (const [wireName, expected] of Object.entries(REALISTIC)) {
    it(`${wireName} parses to ${expected.kind} -> ${expected.status}`, () => {
      const event = parsedOrFail(readFixture('realistic', `${wireName}.json`));
      expect(event).toMatchObject({
        eventType: expected.canonical,
        receivedAs: wireName,
        family: expected.family,
        kind: expected.kind,
        entityId: FIXTURE_ENTITY_IDS[expected.kind],
        status: expected.status,
      });
    });
  }

  it('are serialized as Ripio does: compact, ASCII-escaped, no trailing newline', () => {
    for (const name of fixtureNames('realistic')) {
      const text = readFixture('realistic', name);
      expect(text, name).toMatch(/^[\x20-\x7e]+$/);
      expect(toRipioJson(JSON.parse(text)), name).toBe(text);
    }
  });

  it('exercise non-ASCII escaping somewhere', () => {
    const escaped = fixtureNames('realistic').filter((name) =>
      readFixture('realistic', name).includes('\\u00'),
    );
    expect(escaped).toContain('SELL_AND_PAY.PAYMENT_ORDER.COMPLETED.json');
    expect(escaped).toContain('SUPPORT_TICKET.CREATED.json');
  });

  it('an alias fixture and its canonical fixture share one event key', () => {
    for (const alias of ALIAS_NAMES) {
      const aliasText = readFixture('realistic', `${alias}.json`);
      const canonical = parsedOrFail(aliasText).eventType;
      const canonicalText = readFixture('realistic', `${canonical}.json`);
      expect(aliasText).not.toBe(canonicalText);
      expect(eventKeyOf(parseEventBody(aliasText), aliasText)).toBe(
        eventKeyOf(parseEventBody(canonicalText), canonicalText),
      );
    }
  });
});
