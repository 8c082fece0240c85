import {
  cancelRedrive,
  createRedrive,
  dryRunRedrive,
  failRedrive,
  getRedrive,
  listRedrives,
  openEventLogPool,
} from '@ripio-webhooks/event-log';
import { openRedrivesQueue, redriveJobOptions, type QueueConnection } from '@ripio-webhooks/store';
import type { Logger } from 'pino';
import type { RedriveStores } from './redrive-routes.js';

export interface OpenedRedriveStores extends RedriveStores {
  close(): Promise<void>;
}

/**
 * The re-drive stores over the event log at `databaseUrl` and the `redrives` queue. Creating one records it, then
 * queues its job; a job that cannot be queued marks the re-drive failed and the request fails.
 */
export function openRedriveStores(
  databaseUrl: string,
  connection: QueueConnection,
  logger: Logger,
): OpenedRedriveStores {
  const pool = openEventLogPool(databaseUrl, {
    max: 4,
    onError: (error) => logger.warn({ err: error }, 'event log connection error'),
  });
  const queue = openRedrivesQueue(connection);
  return {
    dryRun: (filter) => dryRunRedrive(pool, filter),
    create: async (input) => {
      const redrive = await createRedrive(pool, { ...input, reason: input.reason ?? null });
      try {
        await queue.add('redrive', { redriveId: redrive.id }, redriveJobOptions(redrive.id));
      } catch (error) {
        await failRedrive(pool, redrive.id, `could not be queued: ${(error as Error).message}`);
        throw error;
      }
      return redrive;
    },
    list: () => listRedrives(pool),
    get: (id) => getRedrive(pool, id),
    cancel: (id) => cancelRedrive(pool, id),
    close: async () => {
      await queue.close();
      await pool.end();
    },
  };
}
