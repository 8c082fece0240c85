import { watchedStatuses } from '@ripio-webhooks/core';
import { ENTITY_KINDS, type EntityKind } from '@ripio-webhooks/schemas';
import type { RedisClient } from './connection.js';
import type { EntityState, EntityHistoryEntry } from './entity-types.js';

/**
 * The index of entities resting in a status they are expected to leave (core's `watchedStatuses`): one zset per
 * kind and status, `<prefix>:unsettled:<kind>:<status>`, member the entity id, score the time (ms) it entered the
 * status. Counting the stuck ones is one ZCOUNT per zset, whatever the number of entities. Written right after each
 * commit (another cluster slot than the entity's keys, so never inside the commit script); a commit that moves an
 * entity is first marked pending (`<prefix>:unsettled:pending`, member `<kind>|<id>`), so that a crash between the
 * commit and the index write is repaired by `repairPending` from the stored entity.
 */
export interface UnsettledIndex {
  /** Before a commit that moves the entity: marks it pending until `sync` ran. */
  markPending(kind: EntityKind, id: string, nowMs: number): Promise<void>;
  /** The entity's entries follow its status (`undefined`: gone); clears its pending mark. */
  sync(kind: EntityKind, id: string, status: string | undefined, enteredAtMs: number): Promise<void>;
  /** How many entities of `kind` entered `status` at or before `cutoffMs`. */
  countSince(kind: EntityKind, status: string, cutoffMs: number): Promise<number>;
  /** Those entities, oldest first, at most `limit`. */
  listSince(kind: EntityKind, status: string, cutoffMs: number, limit: number): Promise<IndexedEntity[]>;
  /** Pending marks older than `cutoffMs` (at most `batch`), each synced from `read`'s entity; returns how many. */
  repairPending(cutoffMs: number, batch: number, read: ReadEntity): Promise<number>;
}

export interface IndexedEntity {
  id: string;
  enteredAtMs: number;
}

/** The stored entity with its history (undefined: gone). */
export type ReadEntity = (
  kind: EntityKind,
  id: string,
) => Promise<(EntityState & { history: readonly EntityHistoryEntry[] }) | undefined>;

export function unsettledIndexKey(queuePrefix: string, kind: EntityKind, status: string): string {
  return `${queuePrefix}:unsettled:${kind}:${status}`;
}

const pendingKey = (queuePrefix: string): string => `${queuePrefix}:unsettled:pending`;

/** The earlier of an ISO time and a fallback (ms); the fallback when unreadable. */
function earlier(iso: string, fallbackMs: number): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? fallbackMs : Math.min(ms, fallbackMs);
}

/**
 * When the entity entered its current status: the `issueDatetime` of the latest applied event that moved it there
 * (bounded by its processing time, against a sender's clock ahead of ours), else its `updatedAt`.
 */
export function enteredStatusAt(
  entity: Pick<EntityState, 'status' | 'updatedAt'>,
  history: readonly Pick<EntityHistoryEntry, 'outcome' | 'toStatus' | 'issueDatetime' | 'processedAt'>[],
): number {
  const updatedMs = Date.parse(entity.updatedAt);
  for (let index = history.length - 1; index >= 0; index -= 1) {
    const entry = history[index];
    if (entry?.outcome === 'applied' && entry.toStatus === entity.status) {
      return earlier(entry.issueDatetime, earlier(entry.processedAt, updatedMs));
    }
  }
  return Number.isNaN(updatedMs) ? Date.now() : updatedMs;
}

function parseMember(member: string): { kind: EntityKind; id: string } | undefined {
  const bar = member.indexOf('|');
  const kind = member.slice(0, bar);
  if (bar < 0 || !(ENTITY_KINDS as readonly string[]).includes(kind)) return undefined;
  return { kind: kind as EntityKind, id: member.slice(bar + 1) };
}

export function createUnsettledIndex(redis: RedisClient, queuePrefix: string): UnsettledIndex {
  const keyOf = (kind: EntityKind, status: string) => unsettledIndexKey(queuePrefix, kind, status);
  const pending = pendingKey(queuePrefix);

  async function sync(kind: EntityKind, id: string, status: string | undefined, enteredAtMs: number) {
    // One command per key (each its own slot on a cluster); ioredis sends them without waiting for replies.
    await Promise.all([
      ...watchedStatuses(kind).map((watched) =>
        watched === status
          ? redis.zadd(keyOf(kind, watched), enteredAtMs, id)
          : redis.zrem(keyOf(kind, watched), id),
      ),
      redis.zrem(pending, `${kind}|${id}`),
    ]);
  }

  return {
    async markPending(kind, id, nowMs) {
      await redis.zadd(pending, nowMs, `${kind}|${id}`);
    },
    sync,
    countSince: (kind, status, cutoffMs) => redis.zcount(keyOf(kind, status), '-inf', cutoffMs),
    async listSince(kind, status, cutoffMs, limit) {
      const flat = await redis.zrangebyscore(
        keyOf(kind, status),
        '-inf',
        cutoffMs,
        'WITHSCORES',
        'LIMIT',
        0,
        limit,
      );
      const entities: IndexedEntity[] = [];
      for (let index = 0; index + 1 < flat.length; index += 2) {
        entities.push({ id: flat[index] ?? '', enteredAtMs: Number(flat[index + 1]) });
      }
      return entities;
    },
    async repairPending(cutoffMs, batch, read) {
      const members = await redis.zrangebyscore(pending, '-inf', cutoffMs, 'LIMIT', 0, batch);
      for (const member of members) {
        const parsed = parseMember(member);
        if (parsed === undefined) {
          await redis.zrem(pending, member);
          continue;
        }
        const entity = await read(parsed.kind, parsed.id);
        const entered = entity === undefined ? 0 : enteredStatusAt(entity, entity.history);
        await sync(parsed.kind, parsed.id, entity?.status, entered);
      }
      return members.length;
    },
  };
}
