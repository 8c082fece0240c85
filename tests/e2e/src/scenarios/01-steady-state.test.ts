import { runSimulation } from '@ripio-webhooks/cli';
import { describe, expect, it } from 'vitest';
import { assertPromiseKept, planFor, scaled, useStack } from '../harness/scenario.js';
import { outcomeOfSimulationResult, verifyScenario } from '../harness/verify.js';

describe('1 steady state: 3 workers, duplicates, shuffled order, jitter', () => {
  const stack = useStack({ name: '01-steady-state', workers: 3 });

  it('applies every event exactly once and every entity ends in its expected status', async () => {
    const s = stack();
    const plan = planFor(s, { entities: scaled(2_000), duplicates: 0.3, shuffle: true, jitterMs: 20 });
    // Driven by the CLI's own sender (what `ripio-webhooks simulate` runs), retrying 503s like Ripio.
    const run = await runSimulation(plan, {
      url: s.webhookUrl,
      concurrency: 32,
      maxAttempts: 20,
      retryBudget: plan.deliveries.length,
      maxRetryDelayMs: 1_000,
    });
    expect(run.summary.unacknowledged).toBe(0);

    const verdict = await verifyScenario(s, {
      scenario: '1 steady state',
      plan,
      outcomes: run.results.map(outcomeOfSimulationResult),
      note: `${plan.entities.length} entities, 30% duplicates, shuffled, 0-20 ms jitter, 3 workers`,
    });
    assertPromiseKept(verdict);
    expect(verdict.row.applied).toBeGreaterThan(0);
    expect(verdict.row.duplicatesAbsorbed).toBeGreaterThan(0);
    expect(verdict.deadLetters).toEqual([]);
  });
});
