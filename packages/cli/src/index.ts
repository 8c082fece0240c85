// The CLI's library surface: the simulator the end-to-end suite drives, and the command runner.
export { runCli } from './cli.js';
export {
  planSimulation,
  type SimulationOptions,
  type SimulationPlan,
  type PlannedDelivery,
} from './simulate/plan.js';
export { runSimulation, type DeliveryResult } from './simulate/send.js';
export { type SimulationExpectations } from './simulate/expectations.js';
