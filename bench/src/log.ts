const startedAt = performance.now();

/** Progress line on stderr with the seconds since the benchmark started. */
export function log(message: string): void {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
}
