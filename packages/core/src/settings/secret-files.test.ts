import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSettings } from './parse-settings.js';

const readText = (path: string): string => readFileSync(path, 'utf8');
import {
  isSecretSetting,
  optionalSecretListSetting,
  optionalSecretSetting,
  secretListSetting,
  secretSetting,
  secretSettingNames,
} from './secret-setting.js';

const Settings = z.object({
  PORT: z.coerce.number().int().default(8080).describe('a port'),
  TOKEN: secretSetting('TOKEN', 'the token'),
  OPTIONAL_KEY: optionalSecretSetting('OPTIONAL_KEY', 'an optional key'),
  KEYS: secretListSetting('KEYS', 'the keys'),
  MORE_KEYS: optionalSecretListSetting('MORE_KEYS', 'more keys'),
});

const strong = (): string => randomBytes(32).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'ripio-secret-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A file holding `content`, as a mounted Docker or Kubernetes secret is. */
function secretFile(content: string): string {
  files += 1;
  const path = join(dir, `secret-${files}`);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

describe('secret settings from files (NAME_FILE)', () => {
  it('finds the secret settings of a schema by their mark', () => {
    expect(secretSettingNames(Settings.shape)).toEqual(['TOKEN', 'OPTIONAL_KEY', 'KEYS', 'MORE_KEYS']);
    expect(isSecretSetting(Settings.shape.PORT)).toBe(false);
  });

  it('reads every kind of secret setting from its file, dropping the trailing newline', () => {
    const [token, optional, first, second] = [strong(), strong(), strong(), strong()];
    const result = parseSettings(
      Settings,
      {
        TOKEN_FILE: secretFile(`${token}\n`),
        OPTIONAL_KEY_FILE: secretFile(`${optional}\r\n`),
        KEYS_FILE: secretFile(`${first},${second}\n`),
        MORE_KEYS_FILE: secretFile(first),
      },
      't',
      readText,
    );
    expect(result).toEqual({
      ok: true,
      env: { PORT: 8080, TOKEN: token, OPTIONAL_KEY: optional, KEYS: [first, second], MORE_KEYS: [first] },
    });
  });

  it('applies the secret rule to a file’s content like to a variable’s, without printing it', () => {
    const result = parseSettings(
      Settings,
      { TOKEN_FILE: secretFile('change-me\n'), KEYS: strong() },
      't',
      readText,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain('TOKEN: TOKEN must be at least 32 characters');
    expect(result.message).not.toContain('change-me');
  });

  it('refuses NAME and NAME_FILE together, naming both', () => {
    const result = parseSettings(
      Settings,
      { TOKEN: strong(), TOKEN_FILE: secretFile(strong()), KEYS: strong() },
      't',
      readText,
    );
    expect(result).toEqual({
      ok: false,
      message: 'invalid t settings:\n  TOKEN: set TOKEN or TOKEN_FILE, not both',
    });
  });

  it('names a file that cannot be read, and never its would-be content', () => {
    const missing = join(dir, 'no-such-file');
    const result = parseSettings(Settings, { TOKEN_FILE: missing, KEYS: strong() }, 't', readText);
    expect(result).toEqual({
      ok: false,
      message: `invalid t settings:\n  TOKEN_FILE: TOKEN_FILE: cannot read ${missing} (ENOENT)`,
    });
    const directory = parseSettings(Settings, { TOKEN_FILE: dir, KEYS: strong() }, 't', readText);
    expect(directory.ok === false && directory.message).toContain('(EISDIR)');
  });

  it('treats a blank NAME_FILE as unset, and a blank NAME beside NAME_FILE as unset', () => {
    const token = strong();
    expect(
      parseSettings(Settings, { TOKEN: token, TOKEN_FILE: ' ', KEYS: strong() }, 't', readText),
    ).toMatchObject({
      ok: true,
      env: { TOKEN: token },
    });
    expect(
      parseSettings(Settings, { TOKEN: '', TOKEN_FILE: secretFile(token), KEYS: strong() }, 't', readText),
    ).toMatchObject({ ok: true, env: { TOKEN: token } });
  });

  it('ignores _FILE for a setting that is not a secret', () => {
    const result = parseSettings(
      Settings,
      { PORT_FILE: secretFile('9999'), TOKEN: strong(), KEYS: strong() },
      't',
      readText,
    );
    expect(result.ok && result.env.PORT).toBe(8080);
  });
});
