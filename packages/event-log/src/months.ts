/** A calendar month in UTC, as the event partitions are cut. */
export interface Month {
  year: number;
  /** 1-12. */
  month: number;
}

export function monthOf(time: Date): Month {
  return { year: time.getUTCFullYear(), month: time.getUTCMonth() + 1 };
}

export function addMonths(month: Month, count: number): Month {
  const index = month.year * 12 + (month.month - 1) + count;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function compareMonths(a: Month, b: Month): number {
  return a.year * 12 + a.month - (b.year * 12 + b.month);
}

/** First instant of the month, ISO (UTC). */
export function monthStart(month: Month): string {
  return `${String(month.year).padStart(4, '0')}-${String(month.month).padStart(2, '0')}-01T00:00:00.000Z`;
}

/** The partition's table name: `events_yYYYYmMM`. */
export function partitionName(month: Month): string {
  return `events_y${String(month.year).padStart(4, '0')}m${String(month.month).padStart(2, '0')}`;
}

/** The month a partition name stands for, or undefined for any other table name. */
export function monthOfPartition(name: string): Month | undefined {
  const match = /^events_y(\d{4})m(\d{2})$/.exec(name);
  if (match === null) return undefined;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? { year: Number(match[1]), month } : undefined;
}

/** The distinct months of the given times, oldest first. */
export function distinctMonths(times: readonly Date[]): Month[] {
  const byKey = new Map<number, Month>();
  for (const time of times) {
    const month = monthOf(time);
    byKey.set(month.year * 12 + month.month, month);
  }
  return [...byKey.values()].sort(compareMonths);
}
