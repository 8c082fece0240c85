import type { EntityKind } from '@ripio-webhooks/schemas';
import type { RedisClient } from './connection.js';
import {
  parseHold,
  toHoldAdvance,
  type BlockerIdentity,
  type HoldOnFailureResult,
  type HoldRecord,
  type MarkDeadLetteredResult,
  type ParkedEntry,
  type ParkResult,
  type ReleaseHoldResult,
  type ReleaseRecord,
} from './hold-types.js';
import { DEFAULT_ENTITY_RETENTION_SECONDS, retentionArgs } from './entity-retention.js';
import { entityKeys, type EntityKeys } from './keys.js';
import { runScript } from './scripts.js';

export interface HoldStoreOptions {
  redis: RedisClient;
  queuePrefix: string;
  now?: () => Date;
  /** ENTITY_RETENTION_DAYS in seconds (default 90 days): a release that ends a hold starts a settled entity's. */
  entityRetentionSeconds?: number;
}

interface ReleaseRequest {
  kind: EntityKind;
  id: string;
  /** The blocker the operator means: the release is refused when another event blocks the entity. */
  eventKey: string;
  action: ReleaseRecord['action'];
  reason: string;
  operator: string;
  /** How long the `released` record lives (the dedupe TTL, so a replay within it is decided normally). */
  releasedTtlSeconds: number;
  historyLimit: number;
}

/** The entity side of holds (parkEvent-3, holdOnFailure-5, markDeadLettered-2, releaseHold-5). */
export interface HoldStore {
  /** The entity's hold and its parked events, or undefined when it is not on hold. */
  get(kind: EntityKind, id: string): Promise<HoldRecord | undefined>;
  /**
   * Parks the event behind the hold (in arrival order, once) and releases the lock if `token` holds it; or, when
   * the event arrived before the blocker, makes it the blocker (the old one parked) and leaves the lock held.
   */
  park(kind: EntityKind, id: string, token: string, entry: ParkedEntry): Promise<ParkResult>;
  /**
   * A failed attempt after the lock: holds the entity behind this event (or records the attempt when it is the
   * blocker) and releases the lock if `token` holds it, atomically.
   */
  holdOnFailure(
    kind: EntityKind,
    id: string,
    token: string,
    blocker: BlockerIdentity,
    attemptsMade: number,
    error: string,
  ): Promise<HoldOnFailureResult>;
  /** The event was dead-lettered: when it is the blocker, the hold says so. */
  markDeadLettered(kind: EntityKind, id: string, eventKey: string): Promise<MarkDeadLetteredResult>;
  /** An operator releases the hold `eventKey` holds (recorded in the history); the hold advances. */
  release(request: ReleaseRequest): Promise<ReleaseHoldResult>;
}

function replyArray(script: string, reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new Error(`${script} returned ${JSON.stringify(reply)}`);
  return reply as unknown[];
}

function toParkResult(reply: unknown): ParkResult {
  const [status, position, count, added] = replyArray('parkEvent-3.lua', reply);
  switch (status) {
    case 'parked':
      return { outcome: 'parked', position: Number(position), count: Number(count), added: added === 1 };
    case 'preempted':
      return { outcome: 'preempted', count: Number(count) };
    case 'not_on_hold':
      return { outcome: 'not_on_hold' };
    default:
      throw new Error(`parkEvent-3.lua returned ${JSON.stringify(reply)}`);
  }
}

function toHoldOnFailureResult(reply: unknown): HoldOnFailureResult {
  const [status, holdJson] = replyArray('holdOnFailure-5.lua', reply);
  const hold = parseHold(holdJson);
  switch (status) {
    case 'held':
    case 'updated':
    case 'other_blocker':
      if (hold === undefined) throw new Error(`holdOnFailure-5.lua answered ${status} without a hold`);
      return { outcome: status, hold };
    case 'released':
      return { outcome: 'released', hold };
    default:
      throw new Error(`holdOnFailure-5.lua returned ${JSON.stringify(reply)}`);
  }
}

function toMarkResult(reply: unknown): MarkDeadLetteredResult {
  const [status, parkedCount] = replyArray('markDeadLettered-2.lua', reply);
  switch (status) {
    case 'marked':
      return { outcome: 'marked', parkedCount: Number(parkedCount) };
    case 'not_blocker':
      return { outcome: 'not_blocker' };
    default:
      throw new Error(`markDeadLettered-2.lua returned ${JSON.stringify(reply)}`);
  }
}

function toReleaseResult(reply: unknown): ReleaseHoldResult {
  const [status, hold, next] = replyArray('releaseHold-5.lua', reply);
  switch (status) {
    case 'released': {
      const advance = toHoldAdvance(hold, next);
      if (advance.outcome === 'unchanged') throw new Error('releaseHold-5.lua released without advancing');
      return { outcome: 'released', hold: advance };
    }
    case 'not_on_hold':
      return { outcome: 'not_on_hold' };
    case 'not_blocker':
      return { outcome: 'not_blocker', blocker: String(next) };
    default:
      throw new Error(`releaseHold-5.lua returned ${JSON.stringify(reply)}`);
  }
}

/** The entity's hold and its parked events (both keys share one hash tag, so the MULTI is valid on a cluster). */
async function readHold(redis: RedisClient, keys: EntityKeys): Promise<HoldRecord | undefined> {
  const replies = await redis.multi().get(keys.hold).lrange(keys.parked, 0, -1).exec();
  if (replies === null) throw new Error('MULTI reading a hold was aborted');
  const [[holdError, holdJson] = [null, null], [parkedError, parked] = [null, []]] = replies;
  if (holdError) throw holdError;
  if (parkedError) throw parkedError;
  const hold = parseHold(holdJson);
  if (hold === undefined) return undefined;
  return { hold, parked: (parked as string[]).map((raw) => JSON.parse(raw) as ParkedEntry) };
}

/** releaseHold-5.lua: the release recorded, the hold advanced, a settled entity's retention started if it ended. */
async function releaseHold(
  redis: RedisClient,
  keys: EntityKeys,
  request: ReleaseRequest,
  { at, retention }: { at: string; retention: [string, number] },
): Promise<ReleaseHoldResult> {
  const { action, reason, operator } = request;
  const record: ReleaseRecord = { action, reason, operator, at };
  const reply = await runScript(
    redis,
    'releaseHold-5.lua',
    [keys.hold, keys.parked, keys.released(request.eventKey), keys.history, keys.entity],
    [
      request.eventKey,
      JSON.stringify(record),
      request.releasedTtlSeconds,
      request.historyLimit,
      ...retention,
    ],
  );
  return toReleaseResult(reply);
}

export function createHoldStore({
  redis,
  queuePrefix,
  now,
  entityRetentionSeconds = DEFAULT_ENTITY_RETENTION_SECONDS,
}: HoldStoreOptions): HoldStore {
  const keysOf = (kind: EntityKind, id: string) => entityKeys(queuePrefix, kind, id);
  const clock = now ?? (() => new Date());

  return {
    get: (kind, id) => readHold(redis, keysOf(kind, id)),

    async park(kind, id, token, entry) {
      const keys = keysOf(kind, id);
      const reply = await runScript(
        redis,
        'parkEvent-3.lua',
        [keys.lock, keys.hold, keys.parked],
        [token, JSON.stringify(entry)],
      );
      return toParkResult(reply);
    },

    async holdOnFailure(kind, id, token, blocker, attemptsMade, error) {
      const keys = keysOf(kind, id);
      const { eventKey, eventType, issueDatetime, receivedAt } = blocker;
      const identity = { blocker: eventKey, blockerType: eventType, issueDatetime, receivedAt };
      const reply = await runScript(
        redis,
        'holdOnFailure-5.lua',
        [keys.lock, keys.hold, keys.released(blocker.eventKey), keys.entity, keys.history],
        [token, JSON.stringify(identity), attemptsMade, error, clock().toISOString()],
      );
      return toHoldOnFailureResult(reply);
    },

    async markDeadLettered(kind, id, eventKey) {
      const keys = keysOf(kind, id);
      const reply = await runScript(
        redis,
        'markDeadLettered-2.lua',
        [keys.hold, keys.parked],
        [eventKey, clock().toISOString()],
      );
      return toMarkResult(reply);
    },

    release: (request) =>
      releaseHold(redis, keysOf(request.kind, request.id), request, {
        at: clock().toISOString(),
        retention: retentionArgs(request.kind, entityRetentionSeconds),
      }),
  };
}
