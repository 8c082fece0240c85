import { z } from 'zod';

/** A non-empty identifier as Ripio sends it (UUIDs in practice, but any non-empty string is kept). */
export const Identifier = z.string().min(1);

/** An ISO-8601 timestamp such as `2024-10-01T15:30:45.123456Z` (microseconds allowed). */
export const Timestamp = z
  .string()
  .min(1)
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: 'not an ISO-8601 timestamp' });

/**
 * A documented field that Ripio may leave out ("fields might vary slightly"): absent is fine, but when present
 * it must have the documented type and must not be null.
 */
export const optionalString = z.string().optional();
/** A field the docs call nullable or optional: string, null or absent. */
export const nullableString = z.string().nullable().optional();
