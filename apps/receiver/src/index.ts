export { createReceiverApp, type ReceiverConfig, type ReceiverDeps } from './app.js';
export { loadEnv, ReceiverEnv, type EnvResult } from './env.js';
export { ingest, screenRequest, type IngestConfig, type IngestRequest, type Screening } from './ingest.js';
export {
  answerOf,
  INTAKE_OUTCOME_LABELS,
  type IntakeAnswer,
  type IntakeOutcome,
  type IntakeOutcomeLabel,
} from './intake-outcome.js';
export { createReceiverMetrics, type ReceiverMetrics } from './metrics.js';
export { startReceiver, type RunningReceiver, type StartOptions } from './receiver.js';
export { WEBHOOK_PATH } from './webhook-route.js';
