import { Gauge, type Registry } from 'prom-client';
import { HOLD_STATES, type HeldEntity } from '@ripio-webhooks/contracts';

/**
 * `ripio_entities_on_hold{state}` and `ripio_oldest_hold_age_seconds`, read from the holds index (checked
 * against each entity) at scrape time. A failed read leaves them out of that scrape (and is reported).
 */
export function registerHoldGauges(
  registry: Registry,
  listHolds: () => Promise<HeldEntity[]>,
  onError: (error: unknown) => void,
  now: () => number = Date.now,
): void {
  let read: Promise<HeldEntity[] | undefined> | undefined;
  // Both gauges come from one read per scrape.
  const holds = (): Promise<HeldEntity[] | undefined> => {
    read ??= listHolds()
      .catch((error: unknown) => {
        onError(error);
        return undefined;
      })
      .finally(() => setImmediate(() => (read = undefined)));
    return read;
  };
  new Gauge({
    name: 'ripio_entities_on_hold',
    help: 'Entities on hold behind a failing or dead-lettered event, by the state of the blocking event',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const held = await holds();
      this.reset();
      if (held === undefined) return;
      for (const state of HOLD_STATES) {
        this.set({ state }, held.filter((entity) => entity.hold.state === state).length);
      }
    },
  });
  new Gauge({
    name: 'ripio_oldest_hold_age_seconds',
    help:
      'Seconds since the oldest current hold began blocking its entity, labelled with that entity and its ' +
      'blocking event (one series; unlabelled 0: no entity on hold)',
    labelNames: ['kind', 'entity_id', 'event_key'] as const,
    registers: [registry],
    async collect() {
      const held = await holds();
      this.reset();
      if (held === undefined) return;
      const oldest = oldestHold(held);
      if (oldest === undefined) {
        this.set(0);
        return;
      }
      this.set(
        { kind: oldest.entity.kind, entity_id: oldest.entity.id, event_key: oldest.entity.hold.blocker },
        Math.max(0, (now() - oldest.sinceMs) / 1000),
      );
    },
  });
}

/** The hold that began first (holds with an unreadable start are skipped). */
function oldestHold(held: readonly HeldEntity[]): { entity: HeldEntity; sinceMs: number } | undefined {
  let oldest: { entity: HeldEntity; sinceMs: number } | undefined;
  for (const entity of held) {
    const sinceMs = Date.parse(entity.hold.since);
    if (!Number.isNaN(sinceMs) && (oldest === undefined || sinceMs < oldest.sinceMs)) {
      oldest = { entity, sinceMs };
    }
  }
  return oldest;
}
