import { toRipioJson } from '@ripio-webhooks/schemas';
import { verifyRipioSignature } from '@ripio-webhooks/core';

/** Ways a body is commonly changed between Ripio and the code that verifies it. */
const REWRITES = {
  'ripio-compact': {
    label: 'compact JSON with non-ASCII escaped (how Ripio serializes)',
    apply: (value: unknown): string => toRipioJson(value),
  },
  'compact-unescaped': {
    label: 'compact JSON with non-ASCII characters left as UTF-8 (JSON.stringify)',
    apply: (value: unknown): string => JSON.stringify(value),
  },
  'pretty-2': {
    label: 'pretty-printed JSON, 2-space indent (JSON.stringify(v, null, 2))',
    apply: (value: unknown): string => JSON.stringify(value, null, 2),
  },
  'pretty-4': {
    label: 'pretty-printed JSON, 4-space indent (Python json.dumps(v, indent=4))',
    apply: (value: unknown): string => JSON.stringify(value, null, 4),
  },
  'python-default': {
    label: "JSON with ', ' and ': ' separators (Python json.dumps default)",
    apply: (value: unknown): string => pythonDefaultDumps(value),
  },
} as const;
type RewriteName = keyof typeof REWRITES;

export type SignatureDiagnosis =
  | { verdict: 'match' }
  /** The signature is not `sha256=<64 hex>` (or bare hex). */
  | { verdict: 'malformed' }
  | {
      verdict: 'mismatch';
      /** What the body had to be for the signature to match, when one of the usual rewrites explains it. */
      explanation:
        | { kind: 'rewritten'; rewrite: RewriteName }
        | { kind: 'trailing-newline'; change: 'added' | 'removed' }
        | { kind: 'not-json' }
        | { kind: 'unexplained' };
    };

function matches(body: Uint8Array | string, signature: string, secret: string): boolean {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return verifyRipioSignature(bytes, { 'x-wh-signature-256': signature }, [secret]).outcome === 'valid';
}

/**
 * Checks Ripio's signature over the exact bytes of `body`; when it does not match, tries the rewrites a body
 * usually suffers (a framework parsed the JSON and serialized it again, an editor added a final newline) to say
 * what went wrong. A secret that is wrong altogether stays `unexplained`.
 */
export function diagnoseSignature(body: Uint8Array, signature: string, secret: string): SignatureDiagnosis {
  const check = verifyRipioSignature(body, { 'x-wh-signature-256': signature }, [secret]);
  switch (check.outcome) {
    case 'valid':
      return { verdict: 'match' };
    case 'missing':
    case 'malformed':
      return { verdict: 'malformed' };
    case 'mismatch':
      return { verdict: 'mismatch', explanation: explainMismatch(body, signature, secret) };
    default: {
      const unreachable: never = check;
      throw new Error(`unexpected signature check ${JSON.stringify(unreachable)}`);
    }
  }
}

function explainMismatch(
  body: Uint8Array,
  signature: string,
  secret: string,
): Extract<SignatureDiagnosis, { verdict: 'mismatch' }>['explanation'] {
  const text = Buffer.from(body).toString('utf8');
  if (text.endsWith('\n') && matches(text.replace(/\r?\n$/, ''), signature, secret)) {
    return { kind: 'trailing-newline', change: 'added' };
  }
  if (!text.endsWith('\n') && matches(`${text}\n`, signature, secret)) {
    return { kind: 'trailing-newline', change: 'removed' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'not-json' };
  }
  for (const name of Object.keys(REWRITES) as RewriteName[]) {
    if (matches(REWRITES[name].apply(value), signature, secret)) return { kind: 'rewritten', rewrite: name };
  }
  return { kind: 'unexplained' };
}

/** Python's `json.dumps(value)` with its default `', '` / `': '` separators and ASCII escaping. */
function pythonDefaultDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonDefaultDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(
      ([key, item]) => `${toRipioJson(key)}: ${pythonDefaultDumps(item)}`,
    );
    return `{${members.join(', ')}}`;
  }
  return toRipioJson(value);
}

/** One paragraph for a person: what matched, and what to change when nothing did. */
export function describeDiagnosis(diagnosis: SignatureDiagnosis): string {
  switch (diagnosis.verdict) {
    case 'match':
      return "match: the signature is Ripio's HMAC-SHA256 of these exact bytes with this secret.";
    case 'malformed':
      return 'malformed signature: expected "sha256=" followed by 64 hex characters (the X-Wh-Signature-256 header).';
    case 'mismatch':
      return `mismatch: ${describeExplanation(diagnosis.explanation)}`;
    default: {
      const unreachable: never = diagnosis;
      throw new Error(`unexpected diagnosis ${JSON.stringify(unreachable)}`);
    }
  }
}

function describeExplanation(
  explanation: Extract<SignatureDiagnosis, { verdict: 'mismatch' }>['explanation'],
): string {
  switch (explanation.kind) {
    case 'rewritten':
      return (
        `the signature matches this body re-serialized as ${REWRITES[explanation.rewrite].label}. ` +
        'The bytes you verified are not the bytes Ripio signed: your code (or a proxy / body parser) parsed the ' +
        'JSON and serialized it again. Verify the raw request body before parsing it.'
      );
    case 'trailing-newline':
      return explanation.change === 'added'
        ? 'the signature matches this body without its final newline: the body file gained a newline ' +
            '(an editor or `echo`); save the exact bytes.'
        : 'the signature matches this body with a final newline: the newline was stripped somewhere.';
    case 'not-json':
      return (
        'the body is not JSON, so no re-serialization could explain it. Check that you saved the raw body ' +
        'and that the secret is the one Ripio gave you.'
      );
    case 'unexplained':
      return (
        'no usual re-serialization of this body matches either. The secret is probably not the one Ripio ' +
        'signs with (check for rotation, stray whitespace or a different environment), or the body is not the ' +
        'one this signature came with.'
      );
    default: {
      const unreachable: never = explanation;
      throw new Error(`unexpected explanation ${JSON.stringify(unreachable)}`);
    }
  }
}
