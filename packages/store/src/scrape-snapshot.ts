import { Gauge, type Registry } from 'prom-client';

/**
 * One read shared by every gauge of a scrape: the first gauge to ask starts it, the others of the same turn get
 * the same promise, the next scrape reads afresh. A failed read resolves to undefined (after `onError`).
 */
export function oneReadPerScrape<S>(
  read: () => Promise<S>,
  onError: (error: unknown) => void,
): () => Promise<S | undefined> {
  let pending: Promise<S | undefined> | undefined;
  return () => {
    pending ??= read()
      .catch((error: unknown) => {
        onError(error);
        return undefined;
      })
      .finally(() => {
        // Every gauge of this scrape asks within the same turn; the next scrape reads afresh.
        setImmediate(() => {
          pending = undefined;
        });
      });
    return pending;
  };
}

/** A function defining one gauge filled from the scrape's snapshot. */
export type SnapshotGauge<N extends string, S> = <L extends string>(
  name: N,
  help: string,
  labelNames: readonly L[],
  fill: (gauge: Gauge<L>, data: S) => void,
) => void;

/**
 * Defines gauges on `registry` that `fill` themselves from the scrape's snapshot. Without a snapshot (the read
 * failed), a labelled gauge is left out of the scrape and an unlabelled one is NaN ("unknown", not a false 0).
 */
export function snapshotGaugeDefiner<N extends string, S>(
  registry: Registry,
  snapshot: () => Promise<S | undefined>,
): SnapshotGauge<N, S> {
  return (name, help, labelNames, fill) => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const data = await snapshot();
        this.reset();
        if (data !== undefined) fill(this, data);
        else if (labelNames.length === 0) (this as Gauge).set(Number.NaN);
      },
    });
  };
}
