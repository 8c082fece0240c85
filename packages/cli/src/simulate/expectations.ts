import type { SimulationPlan } from './plan.js';

/** What `simulate --expect-out` writes: every entity's expected final status, for a test to compare. */
export interface SimulationExpectations {
  seed: string;
  entities: { kind: string; id: string; expectedStatus: string; flow: string }[];
  /** Distinct valid events the run delivers (duplicates and bad requests not counted). */
  events: number;
}

export function expectationsOf(plan: SimulationPlan): SimulationExpectations {
  return {
    seed: plan.seed,
    entities: plan.entities.map(({ kind, id, expectedStatus, flow }) => ({ kind, id, expectedStatus, flow })),
    events: plan.events,
  };
}
