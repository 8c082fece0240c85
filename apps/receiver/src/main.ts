import { pino } from 'pino';
import { loadEnv, processEnv } from './env.js';
import { startReceiver } from './receiver.js';

const loaded = loadEnv(processEnv());
if (!loaded.ok) {
  process.stderr.write(`${loaded.message}\n`);
  process.exit(1);
}
const { env } = loaded;
const logger = pino({ level: env.LOG_LEVEL, base: { service: 'receiver' } });

let receiver: Awaited<ReturnType<typeof startReceiver>>;
try {
  receiver = await startReceiver(env, { logger });
} catch (error) {
  logger.fatal({ err: error }, 'receiver could not start');
  process.exit(1);
}

function onSignal(signal: NodeJS.Signals): void {
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  receiver.shutdown().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}
process.once('SIGTERM', onSignal);
process.once('SIGINT', onSignal);
