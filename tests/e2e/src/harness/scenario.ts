import { planSimulation, type SimulationOptions, type SimulationPlan } from '@ripio-webhooks/cli';
import { afterAll, beforeAll, expect, onTestFailed } from 'vitest';
import { recordRow } from './report.js';
import { startStack, type Stack, type StackOptions } from './stack.js';
import type { Verdict } from './verify.js';

/** Multiplies every count of the suite: `E2E_SCALE=10 pnpm test:e2e` for a longer soak run. */
const SCALE = Number(process.env.E2E_SCALE ?? '1');
if (!(SCALE > 0)) throw new Error(`E2E_SCALE must be a positive number, got ${process.env.E2E_SCALE}`);

export function scaled(count: number): number {
  return Math.max(1, Math.round(count * SCALE));
}

/** Seed of every plan: fixed, so a failing run can be reproduced; `E2E_SEED` to explore others. */
const SEED = process.env.E2E_SEED ?? 'e2e-2026';

/**
 * Starts a stack before the file's tests and always stops it afterwards; when a test fails, prints where the
 * processes' logs are. Use the returned getter inside tests.
 */
export function useStack(options: StackOptions | (() => StackOptions)): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(typeof options === 'function' ? options() : options);
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (stack === undefined) throw new Error('the stack did not start');
    const current = stack;
    onTestFailed(() => {
      console.error(`[e2e] ${current.options.name} failed; process logs are in ${current.logDir}`);
    });
    return current;
  };
}

/**
 * When the simulated events were issued: the start of the previous hour, recent enough for the receiver's
 * default MAX_EVENT_AGE_SECONDS (7 days) and the same for every scenario of one run.
 */
export const ISSUED_AT = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000).toISOString();

/** A simulator plan signed with the stack's secret, over every family (inferred flows included, so KYC runs). */
export function planFor(
  stack: Stack,
  options: Omit<SimulationOptions, 'secret' | 'seed' | 'startAt'> & { seed?: string },
): SimulationPlan {
  return planSimulation({
    includeInferred: true,
    ...options,
    seed: options.seed ?? SEED,
    secret: stack.secret,
    startAt: ISSUED_AT,
  });
}

export interface CleanOptions {
  /** Handler completions counted twice that the scenario explains (a crash between handler and commit). */
  allowedHandlerReruns?: number;
}

/**
 * The promise, asserted: every acknowledged event reached its entity's history or the DLQ (lost = 0), no event
 * changed state twice, every entity ended in the simulator's expected status, every valid delivery was
 * eventually acknowledged, and each applied event's handler completed (exactly once unless allowed otherwise).
 * Records the scenario's row first so the figures exist even when an assertion fails.
 */
export function assertPromiseKept(verdict: Verdict, options: CleanOptions = {}): void {
  recordRow(verdict.row);
  const { examples, row } = verdict;
  expect(examples.unacknowledged, 'valid deliveries never acknowledged').toEqual([]);
  expect(row.lost, `lost events: ${examples.lost.join(', ')}`).toBe(0);
  expect(examples.stateDoubleApplied, 'events applied to state twice').toEqual([]);
  expect(row.wrongStatus, `entities in the wrong status:\n${examples.wrongStatus.join('\n')}`).toBe(0);
  expect(examples.handlerMissed, 'applied events whose handler never completed').toEqual([]);
  expect(
    row.doubleApplied,
    `handler completions counted more than once: ${examples.handlerDoubleApplied.join(', ')}`,
  ).toBeLessThanOrEqual(options.allowedHandlerReruns ?? 0);
}
