// The CLI's library surface: the command runner, the typed admin client, and the simulator the end-to-end suite drives.
export { runCli } from './cli.js';
export {
  createAdminClient,
  AdminApiError,
  type AdminClient,
  type DeadLetterFilter,
  type ReleaseRequestInput,
} from './admin-client.js';
export {
  planSimulation,
  type SimulationOptions,
  type SimulationPlan,
  type PlannedDelivery,
} from './simulate/plan.js';
export { runSimulation, type DeliveryResult } from './simulate/send.js';
export { type SimulationExpectations } from './simulate/expectations.js';
