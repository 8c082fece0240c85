import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseSettings } from './parse-settings.js';

const readText = (path: string): string => readFileSync(path, 'utf8');
import {
  MIN_SECRET_LENGTH,
  optionalSecretSetting,
  secretListSetting,
  secretProblem,
  secretSetting,
} from './secret-setting.js';

const strong = (): string => randomBytes(32).toString('hex');

describe('secretProblem', () => {
  it('accepts random values of the minimum length and more', () => {
    expect(secretProblem(randomBytes(16).toString('hex'))).toBeUndefined();
    expect(secretProblem(randomBytes(24).toString('base64'))).toBeUndefined();
    expect(secretProblem(strong())).toBeUndefined();
  });

  it(`refuses anything shorter than ${MIN_SECRET_LENGTH} characters`, () => {
    expect(secretProblem(strong().slice(0, MIN_SECRET_LENGTH - 1))).toBe('too_short');
    for (const word of ['secret', 'test', 'change-me', 'changeme', 'replace-me', 'xxx', '']) {
      expect(secretProblem(word), word).toBe('too_short');
    }
  });

  it.each([
    'replace-with-the-secret-from-ripio',
    'replace-with-a-long-random-token-openssl-rand-hex-32',
    'CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME',
    'please-change-me-before-production-use',
    'my-placeholder-value-for-the-webhook-secret',
    'your-secret-goes-here-0123456789abcdef',
    'an-example-token-0123456789abcdefghijkl',
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'secretsecretsecretsecretsecretsecret',
    'test-test-test-test-test-test-test-test',
    '12121212121212121212121212121212',
    'abcabcabcabcabcabcabcabcabcabcabcabc',
  ])('refuses the placeholder %j', (value) => {
    expect(secretProblem(value)).toBe('placeholder');
  });
});

describe('secret settings in a schema', () => {
  const Settings = z.object({
    TOKEN: secretSetting('TOKEN', 'the token'),
    OPTIONAL_KEY: optionalSecretSetting('OPTIONAL_KEY', 'an optional key'),
    KEYS: secretListSetting('KEYS', 'the keys'),
  });

  it('parses strong values, trims them, and leaves a blank optional one unset', () => {
    const [token, first, second] = [strong(), strong(), strong()];
    const result = parseSettings(
      Settings,
      { TOKEN: ` ${token} `, OPTIONAL_KEY: ' ', KEYS: `${first}, ${second},` },
      't',
      readText,
    );
    expect(result).toEqual({
      ok: true,
      env: { TOKEN: token, OPTIONAL_KEY: undefined, KEYS: [first, second] },
    });
  });

  it('names the variable and the list entry, never the value', () => {
    const result = parseSettings(
      Settings,
      {
        TOKEN: 'change-me',
        OPTIONAL_KEY: 'replace-with-a-real-key-0123456789abcdef',
        KEYS: `${strong()},secret`,
      },
      't',
      readText,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain(`TOKEN: TOKEN must be at least ${MIN_SECRET_LENGTH} characters`);
    expect(result.message).toContain('OPTIONAL_KEY: OPTIONAL_KEY is a placeholder');
    expect(result.message).toContain(
      `KEYS: KEYS (entry 2 of 2) must be at least ${MIN_SECRET_LENGTH} characters`,
    );
    expect(result.message).not.toContain('change-me');
    expect(result.message).not.toContain('replace-with');
  });

  it('names a missing required secret, and a list with no entry', () => {
    const result = parseSettings(Settings, { KEYS: ' , ' }, 't', readText);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain('TOKEN: TOKEN is required (the token)');
    expect(result.message).toContain('KEYS: KEYS must hold at least one non-empty secret');
  });

  it('carries the rule in the description the settings page is generated from', () => {
    expect(Settings.shape.TOKEN.description).toBe(
      `the token Secret: at least ${MIN_SECRET_LENGTH} characters, no placeholder.`,
    );
  });
});
