import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  isValidSessionCookieValue,
  issueSessionCookieValue,
  readCookie,
  safeNextPath,
  SESSION_MAX_AGE_SECONDS,
} from './auth.js';

const token = 'a-long-admin-token-0123456789';
const now = Date.parse('2026-05-19T14:00:00.000Z');

describe('session cookie', () => {
  it('is accepted for the token it was issued with, while fresh', () => {
    const value = issueSessionCookieValue(token, now);
    expect(value).not.toContain(token);
    expect(isValidSessionCookieValue(value, token, now)).toBe(true);
    expect(isValidSessionCookieValue(value, token, now + SESSION_MAX_AGE_SECONDS * 1000)).toBe(true);
  });

  it('is refused once expired, for another token, or altered', () => {
    const value = issueSessionCookieValue(token, now);
    expect(isValidSessionCookieValue(value, token, now + SESSION_MAX_AGE_SECONDS * 1000 + 1)).toBe(false);
    expect(isValidSessionCookieValue(value, `${token}-rotated`, now)).toBe(false);
    const [issuedAt, mac] = value.split('.') as [string, string];
    expect(isValidSessionCookieValue(`${Number(issuedAt) + 1}.${mac}`, token, now)).toBe(false);
    expect(isValidSessionCookieValue(`${issuedAt}.${mac.slice(0, -1)}`, token, now)).toBe(false);
    expect(isValidSessionCookieValue(token, token, now)).toBe(false);
  });

  it('is refused when issued far in the future (a forged clock)', () => {
    expect(isValidSessionCookieValue(issueSessionCookieValue(token, now + 3_600_000), token, now)).toBe(
      false,
    );
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
