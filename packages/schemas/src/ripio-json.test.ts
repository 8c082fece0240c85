import { describe, expect, it } from 'vitest';
import { toRipioJson } from './ripio-json.js';

// Expected strings are what Python's json.dumps(value, separators=(',', ':')) prints (ensure_ascii is its default).
describe('toRipioJson', () => {
  it('is compact: no space after , or :', () => {
    expect(toRipioJson({ a: [1, 'x', true], b: null, c: { d: '1.50' } })).toBe(
      '{"a":[1,"x",true],"b":null,"c":{"d":"1.50"}}',
    );
  });

  it('escapes Latin-1 letters as lowercase \\u00XX', () => {
    expect(toRipioJson('é')).toBe('"\\u00e9"');
    expect(toRipioJson('Panadería Ñandú')).toBe('"Panader\\u00eda \\u00d1and\\u00fa"');
  });

  it('escapes characters outside the BMP as a surrogate pair', () => {
    expect(toRipioJson('😀')).toBe('"\\ud83d\\ude00"');
    expect(toRipioJson('pago 🧾 ok')).toBe('"pago \\ud83e\\uddfe ok"');
  });

  it('escapes DEL, which JSON.stringify leaves raw', () => {
    expect(toRipioJson('a\u007fb')).toBe('"a\\u007fb"');
  });

  it('escapes line and paragraph separators, the BOM and a lone surrogate', () => {
    expect(toRipioJson('\u2028\u2029')).toBe('"\\u2028\\u2029"');
    expect(toRipioJson('\ufeff')).toBe('"\\ufeff"');
    expect(toRipioJson('\ud800')).toBe('"\\ud800"');
  });

  it('uses short escapes for common control characters and \\u00XX for the rest', () => {
    expect(toRipioJson('\n\t\u0001\u001f')).toBe('"\\n\\t\\u0001\\u001f"');
    expect(toRipioJson('"quoted" back\\slash')).toBe('"\\"quoted\\" back\\\\slash"');
  });

  it('leaves printable ASCII alone, slash included', () => {
    expect(toRipioJson("/<>&'~")).toBe('"/<>&\'~"');
  });

  it('escapes non-ASCII keys too', () => {
    expect(toRipioJson({ año: 2026 })).toBe('{"a\\u00f1o":2026}');
  });

  it('produces ASCII that JSON.parse reads back to the same value', () => {
    const value = { merchant: 'Panadería Ñandú', note: 'pago 🧾\u2028fin', amount: '10000.50' };
    const text = toRipioJson(value);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
