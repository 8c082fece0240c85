import { isUnrecoverable } from './unrecoverable-event-error.js';

export interface HandlerFailure {
  /** The handler's key: an event type, `*`, or `forward`. */
  handler: string;
  error: unknown;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** One or more handlers of an event threw or timed out; the event's state was not advanced. */
export class HandlerFailedError extends Error {
  override readonly name = 'HandlerFailedError';
  /** True when a failure can never succeed on retry (see UnrecoverableEventError). */
  readonly unrecoverable: boolean;

  constructor(
    readonly eventKey: string,
    readonly failures: readonly HandlerFailure[],
  ) {
    super(
      failures.map((failure) => `handler ${failure.handler} failed: ${describe(failure.error)}`).join('; '),
      {
        cause: failures[0]?.error,
      },
    );
    this.unrecoverable = failures.some((failure) => isUnrecoverable(failure.error));
  }
}
