import { migrateEventLog } from '@ripio-webhooks/event-log';
import { pino } from 'pino';
import { startArchiver } from './archiver-service.js';
import { loadEnv, processEnv } from './env.js';

const loaded = loadEnv(processEnv());
if (!loaded.ok) {
  process.stderr.write(`${loaded.message}\n`);
  process.exit(1);
}
const { env } = loaded;
const logger = pino({ level: env.LOG_LEVEL, base: { service: 'archiver' } });

if (process.argv[2] === 'migrate') {
  // `migrate`: apply the event log's migrations and exit (one step of a release).
  if (env.DATABASE_URL === undefined) {
    process.stderr.write('migrate needs DATABASE_URL\n');
    process.exit(1);
  }
  const applied = await migrateEventLog({ databaseUrl: env.DATABASE_URL });
  logger.info({ applied }, applied.length === 0 ? 'event log is up to date' : 'event-log migrations applied');
  process.exit(0);
}

const service = await startArchiver(env, { logger }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'archiver could not start');
  process.exit(1);
});

function onSignal(signal: NodeJS.Signals): void {
  logger.info({ signal }, 'shutting down: finishing the batch in hand');
  service.shutdown().then(
    () => {
      logger.info('archiver stopped');
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
