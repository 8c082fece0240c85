import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';
import { containmentOf, parseMatch, SqlParams, whereOf } from './filter.js';

describe('parseMatch', () => {
  it('splits the path at dots and the value at the first =', () => {
    expect(parseMatch('transactionObject.status=COMPLETED')).toEqual({
      ok: true,
      match: { path: ['transactionObject', 'status'], values: ['COMPLETED'] },
    });
    expect(parseMatch('a.note=x=y')).toEqual({ ok: true, match: { path: ['a', 'note'], values: ['x=y'] } });
  });

  it('compares numbers, booleans and null both as text and as themselves; quotes force text', () => {
    expect(parseMatch('a.amount=100.5')).toMatchObject({ match: { values: ['100.5', 100.5] } });
    expect(parseMatch('a.active=true')).toMatchObject({ match: { values: ['true', true] } });
    expect(parseMatch('a.gone=null')).toMatchObject({ match: { values: ['null', null] } });
    expect(parseMatch('a.amount="100"')).toMatchObject({ match: { values: ['100'] } });
    expect(parseMatch('a.code=007')).toMatchObject({ match: { values: ['007'] } });
  });

  it('refuses a missing path, an empty segment and an over-deep path', () => {
    expect(parseMatch('=x')).toMatchObject({ ok: false });
    expect(parseMatch('status')).toMatchObject({ ok: false });
    expect(parseMatch('a..b=x')).toMatchObject({ ok: false });
    expect(parseMatch(`${Array.from({ length: 17 }, () => 'a').join('.')}=x`)).toMatchObject({ ok: false });
  });
});

describe('whereOf', () => {
  it('puts every value in a parameter, never in the SQL text', () => {
    const params = new SqlParams();
    const hostile = "x'; DROP TABLE events; --";
    const where = whereOf(
      {
        eventType: hostile,
        customerId: 'c',
        issuedFrom: new Date('2026-01-01T00:00:00Z'),
        receivedTo: new Date('2026-02-01T00:00:00Z'),
        match: [{ path: ["o'k", 'status'], values: [hostile] }],
      },
      params,
    );
    expect(where).toBe(
      'event_type = $1::text AND customer_id = $2::text AND issued_at >= $3::timestamptz AND ' +
        'received_at < $4::timestamptz AND body @> $5::jsonb',
    );
    expect(where).not.toContain('DROP');
    expect(params.values).toEqual([
      hostile,
      'c',
      '2026-01-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      JSON.stringify({ "o'k": { status: hostile } }),
    ]);
  });

  it('ORs the typed alternatives of one match and is TRUE without filters', () => {
    const params = new SqlParams();
    expect(whereOf({ match: [{ path: ['a', 'n'], values: ['1', 1] }] }, params)).toBe(
      '(body @> $1::jsonb OR body @> $2::jsonb)',
    );
    expect(params.values).toEqual(['{"a":{"n":"1"}}', '{"a":{"n":1}}']);
    expect(whereOf({}, new SqlParams())).toBe('TRUE');
  });

  it('nests the containment document along the path', () => {
    expect(containmentOf(['a', 'b', 'c'], 5)).toEqual({ a: { b: { c: 5 } } });
  });
});

describe('cursor', () => {
  it('round-trips a position and refuses anything it did not write', () => {
    const position = { issuedAt: '2026-11-20T10:00:00.123456Z', eventKey: 'off-ramp|a|X' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(decodeCursor('not a cursor!')).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"t":"yesterday","k":"a"}').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from('[1]').toString('base64url'))).toBeUndefined();
  });
});
