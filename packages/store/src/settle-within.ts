/**
 * Waits for `promise` to settle (resolve or reject) for at most `ms`. True when it settled in time, false when
 * the time ran out first; never rejects. For shutdown steps that must not wait on a Redis that is gone.
 */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return (await withDeadline(promise.then(settled, settled), ms)) !== TIMED_OUT;
}

function settled(): true {
  return true;
}

/** What `withDeadline` resolves to when the deadline passed first. */
export const TIMED_OUT = Symbol('timed out');

/** Resolves to the promise's value, or to TIMED_OUT once `ms` passes first. Never leaves a timer behind. */
export async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
