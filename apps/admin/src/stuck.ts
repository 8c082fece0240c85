import type { Router } from 'express';
import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { StuckEntity, StuckListing } from '@ripio-webhooks/contracts';
import type { StuckThreshold } from '@ripio-webhooks/core';
import type { UnsettledIndex } from '@ripio-webhooks/store';
import { parse } from './http-error.js';

export interface StuckCount {
  kind: string;
  status: string;
  count: number;
}

/** Stuck entities, read from the index of unsettled entities with STUCK_AFTER's thresholds. */
export interface StuckStores {
  /** How many entities are stuck per watched kind and status (one ZCOUNT each). */
  countStuck(): Promise<StuckCount[]>;
  /** The stuck entities, oldest first, at most `limit`. */
  listStuck(limit: number): Promise<StuckListing>;
}

export function createStuckStores(
  index: Pick<UnsettledIndex, 'countSince' | 'listSince'>,
  thresholds: readonly StuckThreshold[],
  now: () => number = Date.now,
): StuckStores {
  const active = thresholds.filter((threshold) => threshold.afterSeconds > 0);
  return {
    countStuck: () => {
      const nowMs = now();
      return Promise.all(
        active.map(async ({ kind, status, afterSeconds }) => ({
          kind,
          status,
          count: await index.countSince(kind, status, nowMs - afterSeconds * 1000),
        })),
      );
    },
    async listStuck(limit) {
      const nowMs = now();
      const perStatus = await Promise.all(
        active.map(async ({ kind, status, afterSeconds }) => {
          const found = await index.listSince(kind, status, nowMs - afterSeconds * 1000, limit + 1);
          return found.map(({ id, enteredAtMs }): StuckEntity => ({
            kind,
            id,
            status,
            since: new Date(enteredAtMs).toISOString(),
            ageSeconds: Math.max(0, Math.round((nowMs - enteredAtMs) / 1000)),
            thresholdSeconds: afterSeconds,
          }));
        }),
      );
      const all = perStatus.flat().sort((a, b) => b.ageSeconds - a.ageSeconds);
      return { entities: all.slice(0, limit), truncated: all.length > limit, thresholds: [...thresholds] };
    },
  };
}

const Limit = z.coerce.number().int().min(1).max(1_000).default(100);

/** GET /entities/stuck?limit=N: the stuck entities, oldest first (default 100, at most 1000). */
export function stuckRoutes(router: Router, stores: Pick<StuckStores, 'listStuck'>): void {
  router.get('/entities/stuck', async (req, res) => {
    const limit = parse(Limit, req.query.limit, 'limit');
    res.json((await stores.listStuck(limit)) satisfies StuckListing);
  });
}

/**
 * `ripio_entities_stuck{kind,status}`: entities resting in a status longer than its STUCK_AFTER, one ZCOUNT per
 * watched kind and status at scrape time. A failed read leaves it out of that scrape (and is reported).
 */
export function registerStuckGauge(
  registry: Registry,
  countStuck: () => Promise<StuckCount[]>,
  onError: (error: unknown) => void,
): void {
  new Gauge({
    name: 'ripio_entities_stuck',
    help: 'Entities resting in a status they are expected to leave for longer than its STUCK_AFTER, by kind and status',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    async collect() {
      const counts = await countStuck().catch((error: unknown) => {
        onError(error);
        return undefined;
      });
      this.reset();
      for (const { kind, status, count } of counts ?? []) this.set({ kind, status }, count);
    },
  });
}
