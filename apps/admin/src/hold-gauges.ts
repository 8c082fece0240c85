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
    help: 'Seconds since the oldest current hold began blocking its entity (0: no entity on hold)',
    registers: [registry],
    async collect() {
      const held = await holds();
      this.reset();
      if (held === undefined) return;
      const since = held.map((entity) => Date.parse(entity.hold.since)).filter((ms) => !Number.isNaN(ms));
      this.set(since.length === 0 ? 0 : Math.max(0, (now() - Math.min(...since)) / 1000));
    },
  });
}
