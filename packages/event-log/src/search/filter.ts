import type { EventLogOutcome } from '@ripio-webhooks/contracts';

/** A match on the body: the value at `path` (object keys from the root) equals `value`. */
export interface BodyMatch {
  path: readonly string[];
  /** The JSON values that count as equal: a string, and the number/boolean/null it spells when it spells one. */
  values: readonly unknown[];
}

/** What a search or an export selects; every field is optional and they combine with AND. */
export interface EventFilter {
  eventType?: string;
  family?: string;
  kind?: string;
  entityId?: string;
  customerId?: string;
  outcome?: EventLogOutcome;
  /** Bounds on `issued_at` (the partition key): from inclusive, to exclusive. */
  issuedFrom?: Date;
  issuedTo?: Date;
  /** Bounds on `received_at`: from inclusive, to exclusive. */
  receivedFrom?: Date;
  receivedTo?: Date;
  match?: readonly BodyMatch[];
}

export type MatchParse = { ok: true; match: BodyMatch } | { ok: false; message: string };

const MAX_PATH_DEPTH = 16;
const MAX_SEGMENT_LENGTH = 200;

/**
 * Parses `path.to.field=value` (split at the first `=`, the path at dots). The value is compared as a string and,
 * when it spells a JSON number, `true`, `false` or `null`, as that value too (Ripio sends amounts either way); a
 * value in double quotes (`"100"`) is a string only. Pure.
 */
export function parseMatch(text: string): MatchParse {
  const equals = text.indexOf('=');
  if (equals <= 0) {
    return { ok: false, message: `"${text}" is not path=value (e.g. transactionObject.status=COMPLETED)` };
  }
  const path = text.slice(0, equals).split('.');
  const raw = text.slice(equals + 1);
  if (path.some((segment) => segment === '' || segment.length > MAX_SEGMENT_LENGTH)) {
    return { ok: false, message: `"${text}": the path has an empty or overlong segment` };
  }
  if (path.length > MAX_PATH_DEPTH) {
    return { ok: false, message: `"${text}": the path is deeper than ${MAX_PATH_DEPTH}` };
  }
  return { ok: true, match: { path, values: valuesOf(raw) } };
}

function valuesOf(raw: string): unknown[] {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      const quoted: unknown = JSON.parse(raw);
      if (typeof quoted === 'string') return [quoted];
    } catch {
      // Not a JSON string literal: compared as typed.
    }
  }
  if (raw === 'true' || raw === 'false' || raw === 'null') return [raw, JSON.parse(raw) as unknown];
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(raw) && Number.isFinite(Number(raw))) {
    return [raw, Number(raw)];
  }
  return [raw];
}

/** The containment document of a match: `{"a":{"b":value}}` for path a.b. */
export function containmentOf(path: readonly string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

/** Collects the values of a parameterised query; `add` returns the placeholder (`$n::type`). */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, type: 'text' | 'timestamptz' | 'jsonb'): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/** The equality filters: each a column (fixed text, never user input) and its field. */
const EQUALS = [
  ['event_type', 'eventType'],
  ['family', 'family'],
  ['kind', 'kind'],
  ['entity_id', 'entityId'],
  ['customer_id', 'customerId'],
  ['outcome', 'outcome'],
] as const satisfies readonly (readonly [string, keyof EventFilter])[];

const RANGES = [
  ['issued_at', '>=', 'issuedFrom'],
  ['issued_at', '<', 'issuedTo'],
  ['received_at', '>=', 'receivedFrom'],
  ['received_at', '<', 'receivedTo'],
] as const satisfies readonly (readonly [string, string, keyof EventFilter])[];

/**
 * The WHERE conditions of a filter (joined with AND; `TRUE` when none), every value a parameter. A body match is
 * `body @> $n::jsonb` (one per accepted value, OR-ed), which the GIN index on `body` (jsonb_path_ops) serves. Pure.
 */
export function whereOf(filter: EventFilter, params: SqlParams): string {
  const conditions: string[] = [];
  for (const [column, field] of EQUALS) {
    const value = filter[field];
    if (value !== undefined) conditions.push(`${column} = ${params.add(value, 'text')}`);
  }
  for (const [column, operator, field] of RANGES) {
    const value = filter[field];
    if (value !== undefined) {
      conditions.push(`${column} ${operator} ${params.add(value.toISOString(), 'timestamptz')}`);
    }
  }
  for (const match of filter.match ?? []) {
    const alternatives = match.values.map(
      (value) => `body @> ${params.add(JSON.stringify(containmentOf(match.path, value)), 'jsonb')}`,
    );
    conditions.push(
      alternatives.length === 1 ? (alternatives[0] ?? 'TRUE') : `(${alternatives.join(' OR ')})`,
    );
  }
  return conditions.length === 0 ? 'TRUE' : conditions.join(' AND ');
}
