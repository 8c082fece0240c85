/**
 * What the processor throws to let BullMQ retry a job: it carries the delay the retry schedule chose, which the
 * worker's backoff strategy hands back to BullMQ. The message is the original error's, so it shows in the job.
 */
export class RetryScheduledError extends Error {
  override readonly name = 'RetryScheduledError';

  constructor(
    readonly delayMs: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause), { cause });
  }
}
