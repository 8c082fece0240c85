/**
 * Waits for `promise` to settle (resolve or reject) for at most `ms`. True when it settled in time, false when
 * the time ran out first; never rejects. For shutdown steps that must not wait on a Redis that is gone.
 */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(settled, settled), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function settled(): true {
  return true;
}
