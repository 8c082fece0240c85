import { z } from 'zod';

/**
 * The one rule for every secret or token an app reads from its environment: at least `MIN_SECRET_LENGTH`
 * characters and not a placeholder. Each app's `env.ts` builds its secret settings with the helpers below, so an
 * app refuses to start with a weak value and the message names the variable (never the value).
 */

export const MIN_SECRET_LENGTH = 32;

/**
 * Fragments that mark a value as a placeholder, compared with the value lower-cased and reduced to letters and
 * digits (`Replace-With_…` -> `replacewith…`). Includes every placeholder .env.example ships.
 */
const PLACEHOLDER_FRAGMENTS = [
  'replacewith',
  'replaceme',
  'changeme',
  'changeit',
  'changethis',
  'placeholder',
  'yoursecret',
  'yourtoken',
  'example',
  'xxxx',
] as const;

/** Words that, repeated to any length (`testtesttest…`), are a placeholder too. */
const PLACEHOLDER_WORDS = ['secret', 'test', 'token', 'password', 'admin', 'dummy', 'fake'] as const;

/** A random value of 32 or more characters has far more distinct characters than this. */
const MIN_DISTINCT_CHARACTERS = 8;

export type SecretProblem = 'too_short' | 'placeholder';

/** Why `value` cannot serve as a secret, or undefined when it can. */
export function secretProblem(value: string): SecretProblem | undefined {
  if (value.length < MIN_SECRET_LENGTH) return 'too_short';
  const letters = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (PLACEHOLDER_FRAGMENTS.some((fragment) => letters.includes(fragment))) return 'placeholder';
  if (PLACEHOLDER_WORDS.some((word) => letters.replaceAll(word, '') === '')) return 'placeholder';
  if (new Set(value).size < MIN_DISTINCT_CHARACTERS) return 'placeholder';
  return undefined;
}

/** The refusal for one secret, naming the variable (and the entry of a list) but never the value. */
function secretProblemMessage(name: string, problem: SecretProblem): string {
  switch (problem) {
    case 'too_short':
      return `${name} must be at least ${MIN_SECRET_LENGTH} characters (generate one: openssl rand -hex 32)`;
    case 'placeholder':
      return `${name} is a placeholder or a guessable value: set a real secret (generate one: openssl rand -hex 32)`;
    default: {
      const unexpected: never = problem;
      throw new Error(`unknown secret problem ${String(unexpected)}`);
    }
  }
}

const SECRET_RULE = `Secret: at least ${MIN_SECRET_LENGTH} characters, no placeholder.`;

/**
 * The mark every secret setting carries in zod's metadata (`field.meta()`), beside its description: how
 * `parseSettings` finds the settings that also accept `NAME_FILE`, and how docs/configuration.md lists that variant.
 * It must be the last step of the field's chain (zod's metadata stays with one schema instance).
 */
const SECRET_SETTING_META = { secret: true } as const;

function secretMeta(description: string) {
  return { ...SECRET_SETTING_META, description };
}

/** Whether a settings field is a secret setting built by the helpers below. */
export function isSecretSetting(field: unknown): boolean {
  if (typeof field !== 'object' || field === null) return false;
  const meta = (field as { meta?: () => unknown }).meta;
  if (typeof meta !== 'function') return false;
  const found: unknown = meta.call(field);
  return typeof found === 'object' && found !== null && (found as { secret?: unknown }).secret === true;
}

/** The names of an object schema's secret settings (its shape's fields that `isSecretSetting`). */
export function secretSettingNames(shape: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(shape)
    .filter(([, field]) => isSecretSetting(field))
    .map(([name]) => name);
}

function checkSecret(name: string, value: string, context: z.RefinementCtx): void {
  const problem = secretProblem(value);
  if (problem !== undefined) {
    context.addIssue({ code: 'custom', message: secretProblemMessage(name, problem) });
  }
}

/** A required secret setting (surrounding blanks dropped). */
export function secretSetting(name: string, description: string) {
  return z
    .string({ error: `${name} is required (${description})` })
    .trim()
    .superRefine((value, context) => checkSecret(name, value, context))
    .meta(secretMeta(`${description} ${SECRET_RULE}`));
}

/** An optional secret setting: unset or blank is undefined, anything else must pass the secret rule. */
export function optionalSecretSetting(name: string, description: string) {
  return z
    .string()
    .transform((value) => (value.trim() === '' ? undefined : value.trim()))
    .superRefine((value, context) => {
      if (value !== undefined) checkSecret(name, value, context);
    })
    .optional()
    .meta(secretMeta(`${description} ${SECRET_RULE}`));
}

function splitSecrets(value: string): string[] {
  return value
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
}

function checkSecretList(name: string, secrets: readonly string[], context: z.RefinementCtx): void {
  secrets.forEach((secret, index) => {
    const label = secrets.length === 1 ? name : `${name} (entry ${index + 1} of ${secrets.length})`;
    checkSecret(label, secret, context);
  });
}

const LIST_RULE = `Comma-separated. ${SECRET_RULE.replace('Secret:', 'Each entry:')}`;

/** A required comma-separated list of secrets (blanks around commas ignored); every entry must pass the rule. */
export function secretListSetting(name: string, description: string) {
  return z
    .string({ error: `${name} is required (${description})` })
    .transform(splitSecrets)
    .superRefine((secrets, context) => {
      if (secrets.length === 0) {
        context.addIssue({ code: 'custom', message: `${name} must hold at least one non-empty secret` });
      }
      checkSecretList(name, secrets, context);
    })
    .meta(secretMeta(`${description} ${LIST_RULE}`));
}

/** An optional comma-separated list of secrets: unset or blank is an empty list; every entry must pass the rule. */
export function optionalSecretListSetting(name: string, description: string) {
  return z
    .string()
    .optional()
    .transform((value) => splitSecrets(value ?? ''))
    .superRefine((secrets, context) => checkSecretList(name, secrets, context))
    .meta(secretMeta(`${description} ${LIST_RULE}`));
}
