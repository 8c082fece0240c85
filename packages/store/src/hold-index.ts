import { ENTITY_KINDS, type EntityKind } from '@ripio-webhooks/schemas';
import type { RedisClient } from './connection.js';
import { parseHold, type HeldEntity, type HoldAdvance } from './hold-types.js';
import { entityKeys, holdsIndexKey } from './keys.js';

/**
 * The advisory index of entities on hold (`<prefix>:holds`). Writers call it right after the script that changed a
 * hold; a crash in between leaves a stale or missing member, which `list` corrects (stale members are dropped)
 * and the next change of that hold repairs.
 */
export interface HoldIndex {
  /** The entity is on hold since `since` (ISO). */
  add(kind: EntityKind, id: string, since: string): Promise<void>;
  remove(kind: EntityKind, id: string): Promise<void>;
  /** Applies a commit's or a release's hold advance: removed when cleared, re-dated when advanced. */
  apply(kind: EntityKind, id: string, advance: HoldAdvance, now: Date): Promise<void>;
  /** Every entity on hold, oldest hold first; members whose hold is gone are dropped from the index. */
  list(): Promise<HeldEntity[]>;
}

const memberOf = (kind: EntityKind, id: string): string => `${kind}|${id}`;

function parseMember(member: string): { kind: EntityKind; id: string } | undefined {
  const bar = member.indexOf('|');
  const kind = member.slice(0, bar);
  if (bar < 0 || !(ENTITY_KINDS as readonly string[]).includes(kind)) return undefined;
  return { kind: kind as EntityKind, id: member.slice(bar + 1) };
}

export function createHoldIndex(redis: RedisClient, queuePrefix: string): HoldIndex {
  const indexKey = holdsIndexKey(queuePrefix);

  async function add(kind: EntityKind, id: string, since: string): Promise<void> {
    const ms = Date.parse(since);
    await redis.zadd(indexKey, Number.isNaN(ms) ? Date.now() : ms, memberOf(kind, id));
  }

  async function remove(kind: EntityKind, id: string): Promise<void> {
    await redis.zrem(indexKey, memberOf(kind, id));
  }

  async function read(member: string): Promise<HeldEntity | undefined> {
    const parsed = parseMember(member);
    if (parsed === undefined) return undefined;
    const keys = entityKeys(queuePrefix, parsed.kind, parsed.id);
    // Two keys of one hash tag: one slot, one MULTI.
    const replies = await redis.multi().get(keys.hold).llen(keys.parked).exec();
    const [[holdError, holdJson] = [null, null], [parkedError, parked] = [null, 0]] = replies ?? [];
    if (holdError) throw holdError;
    if (parkedError) throw parkedError;
    const hold = parseHold(holdJson);
    return hold === undefined ? undefined : { ...parsed, hold, parked: Number(parked) };
  }

  return {
    add,
    remove,

    async apply(kind, id, advance, now) {
      switch (advance.outcome) {
        case 'unchanged':
          return;
        case 'cleared':
          return remove(kind, id);
        case 'advanced':
          return add(kind, id, now.toISOString());
        default: {
          const unreachable: never = advance;
          throw new Error(`unknown hold advance ${JSON.stringify(unreachable)}`);
        }
      }
    },

    async list() {
      const members = await redis.zrange(indexKey, '0', '-1');
      const held: HeldEntity[] = [];
      const stale: string[] = [];
      for (const member of members) {
        const entity = await read(member);
        if (entity === undefined) stale.push(member);
        else held.push(entity);
      }
      if (stale.length > 0) await redis.zrem(indexKey, ...stale);
      return held;
    },
  };
}
