import { describe, expect, it } from 'vitest';
import { safeNextPath } from './auth.js';
import { readCookie } from './identity.js';
import { constantTimeEqual, newOperatorToken, tokenHasher } from './operator-tokens.js';

const token = 'a-long-admin-token-0123456789';

describe('operator tokens', () => {
  it('are random, prefixed, and kept only as a keyed hash', () => {
    const [a, b] = [newOperatorToken(), newOperatorToken()];
    expect(a).toMatch(/^rwop_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    const hash = tokenHasher('key-one-0123456789-0123456789-0123');
    expect(hash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(a)).toBe(hash(a));
    expect(hash(a)).not.toContain(a);
    expect(tokenHasher('key-two-0123456789-0123456789-0123')(a)).not.toBe(hash(a));
  });
});

describe('helpers', () => {
  it('compares strings of any length', () => {
    expect(constantTimeEqual(token, token)).toBe(true);
    expect(constantTimeEqual(token, `${token}x`)).toBe(false);
    expect(constantTimeEqual('', token)).toBe(false);
  });

  it('reads one cookie among several', () => {
    expect(readCookie('a=1; ripio_admin_session=v.2; b=3', 'ripio_admin_session')).toBe('v.2');
    expect(readCookie('a=1', 'ripio_admin_session')).toBeUndefined();
    expect(readCookie(undefined, 'x')).toBeUndefined();
  });

  it('only redirects to paths of this server after login', () => {
    expect(safeNextPath('/queues/')).toBe('/queues/');
    expect(safeNextPath('/#entity/off-ramp/x')).toBe('/#entity/off-ramp/x');
    for (const hostile of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      '',
      undefined,
      ['/'],
    ]) {
      expect(safeNextPath(hostile)).toBe('/');
    }
  });
});
