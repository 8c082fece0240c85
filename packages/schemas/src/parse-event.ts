import { z } from 'zod';
import {
  catalogEntryOf,
  discriminatorOf,
  KIND_SHAPES,
  type EntityKind,
  type EventType,
  type Family,
  type ObjectByKind,
  type ObjectOf,
} from './catalog.js';
import { Timestamp } from './common.js';

interface ParsedEventBase {
  /** Canonical name (aliases resolved). */
  eventType: EventType;
  /** The name exactly as it arrived. */
  receivedAs: string;
  family: Family;
  kind: EntityKind;
  entityId: string;
  /** The status this event moves its entity to. */
  status: string;
  issueDatetime: string;
  /**
   * What the event is about inside its entity, where the catalog reads one: the deposit (off-ramp `txnHash`, Sell
   * and Pay `cryptoDeposit.id`) or the KYC submission. The event key and the entity's cycles use it.
   */
  discriminator: string | undefined;
}

/** A validated event; narrowing on `eventType` narrows `object` to that family's object. */
export type ParsedEvent<T extends EventType = EventType> = {
  [K in T]: ParsedEventBase & { eventType: K; object: ObjectOf<K> };
}[T];

export type ParseFailureReason = 'invalid' | 'unknown_type';

/** What could still be read from an event that failed validation (used for its event key). */
export interface PartialIdentity {
  kind: EntityKind;
  entityId: string;
  eventType: EventType;
}

export type ParseResult =
  | { ok: true; event: ParsedEvent }
  | {
      ok: false;
      reason: ParseFailureReason;
      /** The `eventType` string when there was one. */
      eventType: string | undefined;
      issues: string[];
      identity: PartialIdentity | undefined;
    };

const Envelope = z.looseObject({ eventType: z.string().min(1), issueDatetime: Timestamp });

function failure(
  reason: ParseFailureReason,
  eventType: string | undefined,
  issues: string[],
  identity?: PartialIdentity,
): ParseResult {
  return { ok: false, reason, eventType, issues, identity };
}

function describeIssues(error: z.ZodError, pathPrefix: string): string[] {
  return error.issues.map((issue) => {
    const path = [pathPrefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    return `${path === '' ? '(root)' : path}: ${issue.message}`;
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The envelope's object for this kind: the first of the kind's object keys that is present. */
function objectKeyOf(kind: EntityKind, json: Record<string, unknown>): string | undefined {
  return KIND_SHAPES[kind].objectKeys.find((key) => json[key] !== undefined);
}

/** Reads the entity id of an object that failed validation, when it is there and a non-empty string. */
function readIdentityLeniently(
  kind: EntityKind,
  eventType: EventType,
  object: unknown,
): PartialIdentity | undefined {
  if (!isPlainObject(object)) return undefined;
  let entityId: unknown;
  try {
    entityId = (KIND_SHAPES[kind].entityIdOf as (o: unknown) => unknown)(object);
  } catch {
    return undefined;
  }
  return typeof entityId === 'string' && entityId !== '' ? { kind, entityId, eventType } : undefined;
}

/**
 * Validates one decoded Ripio event. Never throws: an unknown type or a malformed event is a value that says why.
 * Unknown extra fields are kept in `object`.
 */
export function parseEvent(json: unknown): ParseResult {
  if (!isPlainObject(json)) return failure('invalid', undefined, ['(root): not a JSON object']);
  const wireName = json.eventType;
  if (typeof wireName !== 'string' || wireName === '') {
    return failure('invalid', undefined, ['eventType: missing or not a string']);
  }
  const entry = catalogEntryOf(wireName);
  if (entry === undefined) return failure('unknown_type', wireName, [`eventType: unknown type ${wireName}`]);

  const shape = KIND_SHAPES[entry.kind];
  const objectKey = objectKeyOf(entry.kind, json);
  const rawObject = objectKey === undefined ? undefined : json[objectKey];
  const identity = readIdentityLeniently(entry.kind, entry.eventType, rawObject);

  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return failure('invalid', wireName, describeIssues(envelope.error, ''), identity);
  if (objectKey === undefined) {
    return failure('invalid', wireName, [`${shape.objectKeys.join(' or ')}: missing`], identity);
  }
  const object = (shape.schema as z.ZodType<ObjectByKind[EntityKind]>).safeParse(rawObject);
  if (!object.success) return failure('invalid', wireName, describeIssues(object.error, objectKey), identity);

  const entityId = (shape.entityIdOf as (o: ObjectByKind[EntityKind]) => string)(object.data);
  const event = {
    eventType: entry.eventType,
    receivedAs: wireName,
    family: entry.family,
    kind: entry.kind,
    entityId,
    status: entry.status,
    issueDatetime: envelope.data.issueDatetime,
    discriminator: discriminatorOf(entry.eventType, object.data),
    object: object.data,
  } as ParsedEvent;
  return { ok: true, event };
}

/** Decodes and validates a raw body. A body that is not JSON is `invalid`, not an exception. */
export function parseEventBody(rawBody: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch (error) {
    return failure('invalid', undefined, [`(root): not JSON (${(error as Error).message})`]);
  }
  return parseEvent(json);
}

/** What the event key needs, read from decoded JSON without validating it (see `identifyEvent`). */
export interface EventIdentity extends PartialIdentity {
  /** The catalog's discriminator when the object has it as a non-empty string; undefined otherwise. */
  discriminator: string | undefined;
  /** The envelope's `issueDatetime` when it is a string (some keys fall back to it); undefined otherwise. */
  issueDatetime: string | undefined;
}

function readDiscriminatorLeniently(eventType: EventType, object: unknown): string | undefined {
  let value: unknown;
  try {
    value = discriminatorOf(eventType, object as ObjectByKind[EntityKind]);
  } catch {
    return undefined;
  }
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads kind, entity id, canonical event type, discriminator and issue time from decoded JSON without zod: the receiver's
 * path, where only the event key is needed and the worker validates anyway. Undefined when the type is not in
 * the catalog or the entity id is not a non-empty string (the key is then the raw one).
 *
 * For a valid event it yields exactly what `parseEvent` does (the schemas transform none of these fields). For
 * an invalid event whose entity id is readable it also keeps a readable discriminator, where `parseEvent`'s
 * `identity` has none: two different invalid deposits of one entity then keep two keys, and the key is the one
 * the event gets once it validates (after a schema fix and a replay).
 */
export function identifyEvent(json: unknown): EventIdentity | undefined {
  if (!isPlainObject(json)) return undefined;
  const wireName = json.eventType;
  if (typeof wireName !== 'string') return undefined;
  const entry = catalogEntryOf(wireName);
  if (entry === undefined) return undefined;
  const objectKey = objectKeyOf(entry.kind, json);
  const object = objectKey === undefined ? undefined : json[objectKey];
  const identity = readIdentityLeniently(entry.kind, entry.eventType, object);
  if (identity === undefined) return undefined;
  const issueDatetime = typeof json.issueDatetime === 'string' ? json.issueDatetime : undefined;
  return { ...identity, discriminator: readDiscriminatorLeniently(entry.eventType, object), issueDatetime };
}
