import { z } from 'zod';

/** A non-empty identifier as Ripio sends it (UUIDs in practice, but any non-empty string is kept). */
export const Identifier = z.string().min(1);

/** Date, `T`, time to the second, optional fraction (any number of digits), and a zone: `Z` or `+hh:mm`. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO-8601 date-time with a zone, such as `2024-10-01T15:30:45.123456Z` (Ripio sends UTC, microseconds or
 * milliseconds). The zone is required: without it the instant depends on the reader's local time zone.
 */
export const Timestamp = z
  .string()
  .regex(ISO_DATE_TIME, { message: 'not an ISO-8601 date-time with a zone' })
  .refine(isRealDateTime, { message: 'not a valid date-time' });

/** Date.parse accepts `2024-02-30` (as March 1st); a real date must also round-trip its calendar day. */
function isRealDateTime(value: string): boolean {
  if (Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A documented field that Ripio may leave out ("fields might vary slightly"): absent is fine, but when present
 * it must have the documented type and must not be null.
 */
export const optionalString = z.string().optional();
/** A field the docs call nullable or optional: string, null or absent. */
export const nullableString = z.string().nullable().optional();
