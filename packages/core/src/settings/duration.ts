const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A unit a duration setting may be written in. */
export type DurationUnit = keyof typeof UNIT_MS;

const ALL_UNITS: readonly DurationUnit[] = ['ms', 's', 'm', 'h', 'd'];

/**
 * `<whole number><unit>` (`500ms`, `5s`, `2m`, `1h`, `1d`; blanks around it ignored) in milliseconds, when the unit
 * is one of `units`; undefined otherwise. The one reader of the duration settings (RETRY_SCHEDULE, STUCK_AFTER).
 */
export function parseDurationMs(
  text: string,
  units: readonly DurationUnit[] = ALL_UNITS,
): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  const unit = match?.[2] as DurationUnit | undefined;
  if (unit === undefined || !units.includes(unit)) return undefined;
  return Number(match?.[1]) * UNIT_MS[unit];
}
