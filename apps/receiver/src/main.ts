import { startTracing } from '@ripio-webhooks/telemetry';
import { pino } from 'pino';
import { loadEnv, processEnv } from './env.js';
import { startReceiver } from './receiver.js';

const loaded = loadEnv(processEnv());
if (!loaded.ok) {
  process.stderr.write(`${loaded.message}\n`);
  process.exit(1);
}
const { env } = loaded;
// Asynchronous destination: a log line per webhook is buffered and written in chunks instead of one blocking
// write each (docs/benchmarks.md, "Profile-driven changes"). pino flushes it at exit; shutdown flushes it first.
const logger = pino(
  { level: env.LOG_LEVEL, base: { service: 'receiver' } },
  pino.destination({ sync: false }),
);

function exitAfterFlush(code: number): void {
  logger.flush(() => process.exit(code));
}

const tracing = await startTracing({
  serviceName: 'ripio-receiver',
  endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
});

let receiver: Awaited<ReturnType<typeof startReceiver>>;
try {
  receiver = await startReceiver(env, { logger, tracing });
} catch (error) {
  logger.fatal({ err: error }, 'receiver could not start');
  process.exit(1);
}

function onSignal(signal: NodeJS.Signals): void {
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  receiver.shutdown().then(
    // The spans of the last requests are exported before exit (at once when tracing is off).
    () => tracing.shutdown().finally(() => exitAfterFlush(0)),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      exitAfterFlush(1);
    },
  );
}
process.once('SIGTERM', onSignal);
process.once('SIGINT', onSignal);
