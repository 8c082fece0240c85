/**
 * Thrown by a handler when retrying can never help: the event is dead-lettered at once with reason
 * `handler_failed` instead of being retried. An operator can replay it once the cause is fixed. The worker knows
 * it by its `name`, so the copy of this package your module installed is recognised as well.
 */
export class UnrecoverableEventError extends Error {
  override readonly name = 'UnrecoverableEventError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
