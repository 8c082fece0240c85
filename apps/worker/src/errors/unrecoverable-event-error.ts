/**
 * Thrown by a handler (or the forwarder) when retrying can never help: the event is dead-lettered at once with
 * reason `handler_failed` instead of being retried. An operator can replay it once the cause is fixed.
 */
export class UnrecoverableEventError extends Error {
  override readonly name = 'UnrecoverableEventError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Ours, or BullMQ's `UnrecoverableError` (by name, so a handler need not import bullmq). */
export function isUnrecoverable(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'UnrecoverableEventError' || error.name === 'UnrecoverableError')
  );
}
