/** Sleeps; used only between polls of bounded loops. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface PollOptions {
  /** What is awaited, for the error message. */
  what: string;
  intervalMs?: number;
  /** Upper bound on the number of polls (the loop is always bounded). */
  maxPolls: number;
}

/**
 * Polls `check` until it returns a value other than undefined, at most `maxPolls` times. Throws with `what`
 * (and the last detail `check` reported) when the bound is reached: a hang becomes a clear failure.
 */
export async function pollUntil<T>(
  options: PollOptions,
  check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (let poll = 0; poll < options.maxPolls; poll += 1) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    await sleep(interval);
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`gave up waiting for ${options.what} after ${options.maxPolls} polls${detail}`);
}
