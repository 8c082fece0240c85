import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENTITY_KINDS, eventKeyOf, parseEvent, sampleEvent, toRipioJson } from '@ripio-webhooks/schemas';
import { entityOfEventKey } from './stores.js';

describe('entityOfEventKey', () => {
  it('reads the entity back from every kind of event key', () => {
    const event = sampleEvent('SELL_AND_PAY.DEPOSIT.RECEIVED', {
      entityId: 'tx|with:odd{chars}',
      issueDatetime: '2026-05-19T14:00:00Z',
    });
    const body = toRipioJson(event);
    const key = eventKeyOf(parseEvent(event), body);
    expect(entityOfEventKey(key)).toEqual({ kind: 'sell-and-pay', id: 'tx|with:odd{chars}' });
  });

  it('has no entity for raw keys and foreign strings', () => {
    expect(entityOfEventKey(`raw|${'a'.repeat(64)}`)).toBeUndefined();
    expect(entityOfEventKey('nonsense')).toBeUndefined();
    expect(entityOfEventKey('%E0%A4%A|x|y')).toBeUndefined();
  });
});

describe('the console page', () => {
  it('offers exactly the entity kinds of the catalog', () => {
    const html = readFileSync(new URL('../public/index.html', import.meta.url), 'utf8');
    const select = /<select id="entity-kind"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
    const options = [...select.matchAll(/<option value="([^"]+)"/g)].map((match) => match[1]);
    expect(options).toEqual([...ENTITY_KINDS]);
  });
});
