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

const service = await startWorker(env, { logger }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'worker could not start');
  process.exit(1);
});

function onSignal(signal: NodeJS.Signals): void {
  logger.info({ signal }, 'shutting down: finishing active jobs');
  service.shutdown().then(
    () => {
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
