/** Latency samples in milliseconds, growable without per-sample allocation. */
export class Samples {
  private values = new Float64Array(1 << 16);
  private size = 0;

  add(value: number): void {
    if (this.size === this.values.length) {
      const larger = new Float64Array(this.values.length * 2);
      larger.set(this.values);
      this.values = larger;
    }
    this.values[this.size] = value;
    this.size += 1;
  }

  get count(): number {
    return this.size;
  }

  /** Nearest-rank percentiles (p in 0-100) of everything added. */
  percentiles(ps: readonly number[]): number[] {
    if (this.size === 0) return ps.map(() => Number.NaN);
    const sorted = this.values.slice(0, this.size).sort();
    return ps.map(
      (p) => sorted[Math.min(this.size - 1, Math.max(0, Math.ceil((p / 100) * this.size) - 1))] ?? Number.NaN,
    );
  }
}

export interface LatencySummary {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export function summarizeLatency(samples: Samples): LatencySummary {
  const [p50 = Number.NaN, p99 = Number.NaN, p999 = Number.NaN, max = Number.NaN] = samples.percentiles([
    50, 99, 99.9, 100,
  ]);
  return { p50, p99, p999, max };
}

/** Median and spread of one figure over several runs. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length === 0
      ? Number.NaN
      : sorted.length % 2 === 1
        ? (sorted[middle] ?? Number.NaN)
        : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
  return {
    median,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    runs: [...values],
  };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
