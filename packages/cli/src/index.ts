export { runCli, USAGE } from './cli.js';
export {
  createAdminClient,
  AdminApiError,
  AdminContractError,
  adminPaths,
  type AdminClient,
  type DeadLetterFilter,
} from './admin-client.js';
export { CliEnv, loadEnv } from './env.js';
export { createPrng, type Prng } from './simulate/prng.js';
export {
  planSimulation,
  flowsByFamily,
  familyOfFlow,
  type SimulationOptions,
  type SimulationPlan,
  type PlannedEntity,
  type PlannedDelivery,
  type DeliveryKind,
  type BadRequestKind,
} from './simulate/plan.js';
export {
  runSimulation,
  retryAfterMs,
  type SendOptions,
  type DeliveryResult,
  type SimulationSummary,
  type SimulationRun,
} from './simulate/send.js';
export { expectationsOf, type SimulationExpectations } from './simulate/expectations.js';
export { summarizeLatencies, percentile, type LatencySummary } from './simulate/summary.js';
export {
  diagnoseSignature,
  describeDiagnosis,
  type SignatureDiagnosis,
} from './verify/diagnose-signature.js';
export type { Io, CommandContext } from './commands/common.js';
