/** When a parked event's job looks at its entity again, unless the commit of the blocker before it wakes it. */
export interface ParkRecheckSettings {
  /** The first recheck's ceiling (PARK_RECHECK_MIN_MS). */
  minMs: number;
  /** The largest ceiling (PARK_RECHECK_MAX_MS). */
  maxMs: number;
}

/**
 * The delay before a parked job's next recheck: the ceiling is the time it has been parked (so it about doubles
 * with each recheck), between `minMs` and `maxMs`, half of it jittered. A parked job is normally woken as soon
 * as it becomes the blocker; the recheck only covers a worker that died between that commit and the wake-up.
 */
export function parkRecheckDelayMs(
  parkedAt: string | undefined,
  nowMs: number,
  random: () => number,
  settings: ParkRecheckSettings,
): number {
  const parkedMs = parkedAt === undefined ? Number.NaN : Date.parse(parkedAt);
  const elapsed = Number.isNaN(parkedMs) ? 0 : Math.max(0, nowMs - parkedMs);
  const ceiling = Math.min(settings.maxMs, Math.max(settings.minMs, elapsed));
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}
