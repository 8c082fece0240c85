import { signRipioBody, expectedFinalStatus, FLOWS } from '@ripio-webhooks/core';
import {
  FAMILIES,
  sampleEvent,
  toRipioJson,
  type EntityKind,
  type EventType,
  type Family,
} from '@ripio-webhooks/schemas';
import { flowsByFamily } from './flows-by-family.js';
import { createPrng, type Prng } from './prng.js';

export interface SimulationOptions {
  /** Same seed, same plan: entity ids, flows, order, duplicates and bad requests. */
  seed: string | number;
  /** How many entities (transactions, tickets, customers) to run through a flow. */
  entities: number;
  /** Families to choose flows from (default: every family). */
  families?: readonly Family[];
  /** Also choose flows Ripio does not document (inferred ones; default false). */
  includeInferred?: boolean;
  /** Share of events delivered a second time, as Ripio's at-least-once delivery does (0..1, default 0). */
  duplicates?: number;
  /** Deliver each entity's events in a random order instead of the flow's order (default false). */
  shuffle?: boolean;
  /** Extra requests, as a share of the valid deliveries, that are wrongly signed or malformed (default 0). */
  bad?: number;
  /** Each delivery waits a random 0..jitterMs before it is sent (default 0). */
  jitterMs?: number;
  /** `issueDatetime` of the earliest event (ISO); events of one entity follow a second apart. */
  startAt: string;
  /** The webhook secret Ripio signs with. */
  secret: string;
}

interface PlannedEntity {
  kind: EntityKind;
  id: string;
  flow: string;
  /** The status the entity must end in once every event has been applied, whatever the delivery order. */
  expectedStatus: string;
  events: readonly EventType[];
}

type BadRequestKind = 'wrong_secret' | 'missing_signature' | 'malformed_json';

export type DeliveryKind = 'event' | 'duplicate' | BadRequestKind;

export interface PlannedDelivery {
  kind: DeliveryKind;
  /** The entity the event belongs to; absent for bad requests (they never touch an expected entity). */
  entity: { kind: EntityKind; id: string } | undefined;
  eventType: EventType | undefined;
  /** The exact bytes to POST (Ripio's serialization: compact, non-ASCII escaped). */
  body: string;
  /** The `X-Wh-Signature-256` value, or undefined to send none. */
  signature: string | undefined;
  delayMs: number;
}

export interface SimulationPlan {
  seed: string;
  entities: PlannedEntity[];
  deliveries: PlannedDelivery[];
  /** Distinct valid events (each counted once, however many times it is delivered). */
  events: number;
}

const DEFAULT_DUPLICATES = 0;

function validateOptions(options: SimulationOptions): void {
  const shares = { duplicates: options.duplicates, bad: options.bad } as const;
  for (const [name, value] of Object.entries(shares)) {
    if (value !== undefined && !(value >= 0 && value <= 1)) {
      throw new RangeError(`${name} must be within 0..1`);
    }
  }
  if (!Number.isInteger(options.entities) || options.entities < 0) {
    throw new RangeError('entities must be a non-negative integer');
  }
  if (Number.isNaN(Date.parse(options.startAt))) {
    throw new RangeError(`startAt is not a date: ${options.startAt}`);
  }
}

/**
 * Plans a simulated Ripio delivery run without any I/O: which entities go through which documented flow, the
 * exact signed bodies, the order they are sent in (entities interleaved; within an entity in flow order or
 * shuffled), the duplicate deliveries and the bad requests. Entities are spread evenly over the families,
 * and each picks one of its family's flows at random.
 */
export function planSimulation(options: SimulationOptions): SimulationPlan {
  validateOptions(options);
  const prng = createPrng(options.seed);
  const families = options.families ?? FAMILIES;
  const grouped = flowsByFamily(families, options.includeInferred ?? false);
  const usable = families.filter((family) => (grouped.get(family) ?? []).length > 0);
  const empty = families.filter((family) => !usable.includes(family));
  // Asked-for families must all have a flow; by default a family with only inferred flows is left out.
  if (options.entities > 0 && (usable.length === 0 || (options.families !== undefined && empty.length > 0))) {
    const hint =
      options.includeInferred === true ? '' : ' (Ripio documents none for it: include inferred flows)';
    throw new RangeError(`no flow for ${empty.join(', ')}${hint}`);
  }

  const start = Date.parse(options.startAt);
  const entities: PlannedEntity[] = [];
  const sequences: PlannedDelivery[][] = [];
  for (let index = 0; index < options.entities; index += 1) {
    const family = usable[index % usable.length] as Family;
    const flow = prng.pick(grouped.get(family) ?? []);
    const entity: PlannedEntity = {
      kind: flow.kind,
      id: prng.uuid(),
      flow: flow.name,
      expectedStatus: expectedFinalStatus(flow),
      events: flow.events,
    };
    entities.push(entity);
    const entityStart = start + prng.int(60_000);
    sequences.push(entityDeliveries(entity, entityStart, options, prng));
  }

  const interleaved = interleave(sequences, prng);
  const events = entities.reduce((sum, entity) => sum + entity.events.length, 0);
  const bad = Math.round(interleaved.length * (options.bad ?? 0));
  const deliveries = mixInBadRequests(interleaved, bad, options, prng);
  return { seed: String(options.seed), entities, deliveries, events };
}

function entityDeliveries(
  entity: PlannedEntity,
  startMs: number,
  options: SimulationOptions,
  prng: Prng,
): PlannedDelivery[] {
  const customerId = entity.kind === 'kyc' || entity.kind === 'account' ? entity.id : prng.uuid();
  const seen = new Map<EventType, number>();
  const originals = entity.events.map((eventType, position): PlannedDelivery => {
    const occurrence = seen.get(eventType) ?? 0;
    seen.set(eventType, occurrence + 1);
    const envelope = sampleEvent(eventType, {
      entityId: entity.id,
      issueDatetime: new Date(startMs + position * 1_000).toISOString(),
      customerId,
      // A type seen again within one flow is a new fact (a second deposit, a new submission): tell it apart.
      ...(occurrence > 0 ? { discriminator: `${entity.id.slice(0, 8)}-${occurrence}` } : {}),
    });
    const body = toRipioJson(envelope);
    return {
      kind: 'event',
      entity: { kind: entity.kind, id: entity.id },
      eventType,
      body,
      signature: signRipioBody(body, options.secret),
      delayMs: jitter(options, prng),
    };
  });
  const ordered = options.shuffle === true ? prng.shuffle(originals) : originals;
  const sequence = [...ordered];
  const duplicateShare = options.duplicates ?? DEFAULT_DUPLICATES;
  for (const original of ordered) {
    if (!prng.chance(duplicateShare)) continue;
    // A redelivery comes after the original, at any later point of the entity's sequence.
    const after = sequence.indexOf(original);
    const at = after + 1 + prng.int(sequence.length - after);
    sequence.splice(at, 0, { ...original, kind: 'duplicate', delayMs: jitter(options, prng) });
  }
  return sequence;
}

function jitter(options: SimulationOptions, prng: Prng): number {
  const max = options.jitterMs ?? 0;
  return max > 0 ? prng.int(max + 1) : 0;
}

/** Merges per-entity sequences into one, every interleaving equally likely, keeping each sequence's order. */
function interleave(sequences: readonly PlannedDelivery[][], prng: Prng): PlannedDelivery[] {
  const owners = prng.shuffle(sequences.flatMap((sequence, owner) => sequence.map(() => owner)));
  const cursors = sequences.map(() => 0);
  return owners.map((owner) => {
    const position = cursors[owner] ?? 0;
    cursors[owner] = position + 1;
    const delivery = sequences[owner]?.[position];
    if (delivery === undefined) throw new Error('interleave ran past a sequence');
    return delivery;
  });
}

const BAD_KINDS: readonly BadRequestKind[] = ['wrong_secret', 'missing_signature', 'malformed_json'];

/**
 * Bad requests carry events of entities that are not part of the plan (or no event at all), so they can never
 * change an expected status, whatever the receiver does with them.
 */
function mixInBadRequests(
  deliveries: readonly PlannedDelivery[],
  count: number,
  options: SimulationOptions,
  prng: Prng,
): PlannedDelivery[] {
  const mixed = [...deliveries];
  const flows = FLOWS.filter((flow) => flow.documented);
  for (let index = 0; index < count; index += 1) {
    const kind = prng.pick(BAD_KINDS);
    const flow = prng.pick(flows);
    const eventType = prng.pick(flow.events);
    const body = toRipioJson(
      sampleEvent(eventType, {
        entityId: prng.uuid(),
        issueDatetime: new Date(Date.parse(options.startAt)).toISOString(),
      }),
    );
    mixed.splice(prng.int(mixed.length + 1), 0, badRequest(kind, body, options.secret, prng));
  }
  return mixed;
}

function badRequest(kind: BadRequestKind, eventBody: string, secret: string, prng: Prng): PlannedDelivery {
  const base = { kind, entity: undefined, eventType: undefined, delayMs: 0 } as const;
  switch (kind) {
    case 'wrong_secret':
      return { ...base, body: eventBody, signature: signRipioBody(eventBody, `${secret}-not-the-secret`) };
    case 'missing_signature':
      return { ...base, body: eventBody, signature: undefined };
    case 'malformed_json': {
      // Correctly signed, so it passes the signature check and must be refused as a bad request.
      const body = eventBody.slice(0, 1 + prng.int(Math.max(1, eventBody.length - 2)));
      return { ...base, body, signature: signRipioBody(body, secret) };
    }
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown bad request kind ${String(unreachable)}`);
    }
  }
}
