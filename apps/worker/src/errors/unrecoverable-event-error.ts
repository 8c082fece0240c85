/**
 * A handler's error that retrying can never help: `UnrecoverableEventError` (from @ripio-webhooks/handlers, in
 * whichever copy the operator's module installed) or BullMQ's `UnrecoverableError`, both known by name so a
 * handler need not share this process's copy of either package.
 */
export function isUnrecoverable(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'UnrecoverableEventError' || error.name === 'UnrecoverableError')
  );
}
