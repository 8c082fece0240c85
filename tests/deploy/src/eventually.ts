/**
 * Polls `check` until it returns a value, at most `attempts` times 100 ms apart: for state another process
 * reaches on its own time (a job processed, a target scraped). Bounded, and never a timing assertion.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  attempts = 300,
): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}
