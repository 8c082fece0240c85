import { failingAsUnavailable, type RedisClient } from '@ripio-webhooks/store';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface ThrottleSettings {
  maxFailuresPerAddress: number;
  maxFailuresPerOperator: number;
  /** The window failures are counted in, and how long a tripped limit blocks. */
  seconds: number;
}

/**
 * Failed sign-ins counted in Redis (rate-limiter-flexible), per client address and per operator name; a bad API
 * token counts against its address. Once a limit is reached, the address (or name) is refused with 429 until
 * its block ends, whatever it sends; a successful sign-in clears its name's count.
 */
export interface LoginThrottle {
  /** Milliseconds until `address` (and `operator`, when given) may try again; 0 when allowed. */
  blockedFor(address: string, operator?: string): Promise<number>;
  failed(address: string, operator?: string): Promise<void>;
  succeeded(operator: string): Promise<void>;
}

export function createLoginThrottle(
  redis: RedisClient,
  queuePrefix: string,
  settings: ThrottleSettings,
): LoginThrottle {
  const limiter = (name: string, points: number): RateLimiterRedis =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${queuePrefix}:login-failures:${name}`,
      points,
      duration: settings.seconds,
      rejectIfRedisNotReady: true,
    });
  const byAddress = {
    limiter: limiter('address', settings.maxFailuresPerAddress),
    points: settings.maxFailuresPerAddress,
  };
  const byOperator = {
    limiter: limiter('operator', settings.maxFailuresPerOperator),
    points: settings.maxFailuresPerOperator,
  };
  const guarded = <R>(call: () => Promise<R>): Promise<R> => failingAsUnavailable(redis, call);

  async function blockedMs(which: typeof byAddress, key: string): Promise<number> {
    const state = await which.limiter.get(key);
    return state !== null && state.consumedPoints >= which.points ? Math.max(1, state.msBeforeNext) : 0;
  }

  async function fail(which: typeof byAddress, key: string): Promise<void> {
    const state = await which.limiter.consume(key).catch((rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) return rejection;
      throw rejection;
    });
    // The limit is reached: block for the whole period from now (not only what is left of the window).
    if (state.remainingPoints <= 0) await which.limiter.block(key, settings.seconds);
  }

  return {
    blockedFor: (address, operator) =>
      guarded(async () => {
        const [a, o] = await Promise.all([
          blockedMs(byAddress, address),
          operator === undefined ? 0 : blockedMs(byOperator, operator),
        ]);
        return Math.max(a, o);
      }),
    failed: (address, operator) =>
      guarded(async () => {
        await fail(byAddress, address);
        if (operator !== undefined) await fail(byOperator, operator);
      }),
    succeeded: (operator) =>
      guarded(async () => {
        await byOperator.limiter.delete(operator);
      }),
  };
}
