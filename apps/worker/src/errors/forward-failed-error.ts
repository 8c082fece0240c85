/**
 * The forwarder could not deliver an event: a timeout, a network error, or a status worth retrying (`status`,
 * absent when no answer came). The job is retried like any failing handler.
 */
export class ForwardFailedError extends Error {
  override readonly name = 'ForwardFailedError';
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
