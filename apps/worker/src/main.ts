import { startTracing } from '@ripio-webhooks/telemetry';
import { pino } from 'pino';
import { loadEnv, processEnv } from './env.js';
import { startWorker } from './worker-service.js';

const loaded = loadEnv(processEnv());
if (!loaded.ok) {
  process.stderr.write(`${loaded.message}\n`);
  process.exit(1);
}
const { env } = loaded;
const logger = pino({ level: env.LOG_LEVEL, base: { service: 'worker' } });

const tracing = await startTracing({
  serviceName: 'ripio-worker',
  endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
});
const service = await startWorker(env, { logger, tracing }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'worker could not start');
  process.exit(1);
});

function onSignal(signal: NodeJS.Signals): void {
  logger.info({ signal }, 'shutting down: finishing active jobs');
  service.shutdown().then(
    async () => {
      // The spans of the last jobs are exported before exit (at once when tracing is off).
      await tracing.shutdown().catch(() => undefined);
      logger.info('worker stopped');
      process.exit(0);
    },
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}
process.once('SIGTERM', onSignal);
process.once('SIGINT', onSignal);
