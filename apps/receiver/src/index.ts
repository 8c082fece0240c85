export { createReceiverApp, WEBHOOK_PATH, type ReceiverConfig, type ReceiverDeps } from './app.js';
export { createQueueIntake, type EnqueueResult, type EventIntake, type ReadyJob } from './enqueue.js';
export { loadEnv, ReceiverEnv, type EnvResult } from './env.js';
export { ingest, type IngestConfig, type IngestDecision, type IngestRequest } from './ingest.js';
export {
  createReceiverMetrics,
  INTAKE_OUTCOMES,
  type IntakeOutcome,
  type ReceiverMetrics,
} from './metrics.js';
export { startReceiver, type RunningReceiver, type StartOptions } from './receiver.js';
