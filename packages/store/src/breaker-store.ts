import { BreakerStateRecord } from '@ripio-webhooks/contracts';
import { CLOSED, type BreakerState } from '@ripio-webhooks/core';
import type { RedisClient } from './connection.js';
import { breakerKey } from './keys.js';
import { runScript } from './scripts.js';

/**
 * A breaker state no worker moved for this long after its open time falls back to closed (the key expires): a
 * breaker left half-open by workers that all went away does not outlive them by more than a day.
 */
export const BREAKER_STATE_TTL_MS = 24 * 3_600_000;

/** Compare-and-set rounds before giving up (each lost round means another worker moved the breaker just then). */
const MAX_ROUNDS = 8;

export interface BreakerStore {
  /** The stored state as it was written (closed when absent or unreadable); see core's `breakerAt` for "now". */
  read(): Promise<BreakerState>;
  /**
   * Moves the breaker with `step` (a pure transition) atomically: read, step, compare-and-set, again if another
   * worker wrote in between. Returns the state written and what the step said.
   */
  update<R>(
    step: (current: BreakerState) => { state: BreakerState; result: R },
    nowMs: number,
  ): Promise<{
    state: BreakerState;
    result: R;
  }>;
}

function decode(raw: string | null): BreakerState {
  if (raw === null) return CLOSED;
  try {
    const parsed = BreakerStateRecord.safeParse(JSON.parse(raw));
    return parsed.success ? (parsed.data as BreakerState) : CLOSED;
  } catch {
    return CLOSED;
  }
}

function ttlOf(state: BreakerState, nowMs: number): number {
  const openFor = state.mode === 'open' ? Math.max(0, state.untilMs - nowMs) : 0;
  return openFor + BREAKER_STATE_TTL_MS;
}

/** The circuit breaker's state in Redis: one JSON string under `<prefix>:breaker`, moved by casBreaker-1.lua. */
export function createBreakerStore(redis: RedisClient, queuePrefix: string): BreakerStore {
  const key = breakerKey(queuePrefix);
  return {
    read: async () => decode(await redis.get(key)),
    async update(step, nowMs) {
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const raw = await redis.get(key);
        const next = step(decode(raw));
        const written = next.state.mode === 'closed' ? '' : JSON.stringify(next.state);
        if (written === (raw ?? '')) return next;
        const args = [raw ?? '', written, ttlOf(next.state, nowMs)];
        if ((await runScript(redis, 'casBreaker-1.lua', [key], args)) === 1) return next;
      }
      throw new Error(`the breaker state kept changing under ${MAX_ROUNDS} attempts to move it`);
    },
  };
}
