/** What a step decides: hand `value` to the next step, or end the attempt with `outcome`. */
export type Step<T, O> = { kind: 'next'; value: T } | { kind: 'end'; outcome: O };

export const next = <T>(value: T): { kind: 'next'; value: T } => ({ kind: 'next', value });
export const end = <O>(outcome: O): { kind: 'end'; outcome: O } => ({ kind: 'end', outcome });

/** "Name: message" of an error, or its string form. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** ISO time of epoch milliseconds. */
export const iso = (ms: number): string => new Date(ms).toISOString();
