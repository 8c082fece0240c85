/** A handler did not settle within HANDLER_TIMEOUT_MS (it may still be running: it was sent an abort signal). */
export class HandlerTimeoutError extends Error {
  override readonly name = 'HandlerTimeoutError';

  constructor(
    readonly handler: string,
    readonly timeoutMs: number,
  ) {
    super(`handler ${handler} did not finish within ${timeoutMs} ms`);
  }
}
