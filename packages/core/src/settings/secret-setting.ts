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
    .describe(`${description} ${SECRET_RULE}`);
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
    .describe(`${description} ${SECRET_RULE}`);
}

/** A required comma-separated list of secrets (blanks around commas ignored); every entry must pass the rule. */
export function secretListSetting(name: string, description: string) {
  return z
    .string({ error: `${name} is required (${description})` })
    .transform((value) =>
      value
        .split(',')
        .map((secret) => secret.trim())
        .filter((secret) => secret !== ''),
    )
    .superRefine((secrets, context) => {
      if (secrets.length === 0) {
        context.addIssue({ code: 'custom', message: `${name} must hold at least one non-empty secret` });
      }
      secrets.forEach((secret, index) => {
        const label = secrets.length === 1 ? name : `${name} (entry ${index + 1} of ${secrets.length})`;
        checkSecret(label, secret, context);
      });
    })
    .describe(`${description} Comma-separated. ${SECRET_RULE.replace('Secret:', 'Each entry:')}`);
}
