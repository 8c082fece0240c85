// Benchmark baselines for processing, NOT PART OF THE SERVICE. One BullMQ Worker process, in one of two modes:
//  - `noop`  (BENCH_WORKER_MODE=noop): completes every job without doing anything. On the service's own queue
//            (prefix `{QUEUE_PREFIX}`, queue `events`) it is the processing ceiling: BullMQ's own cost per job.
//  - `naive` (BENCH_WORKER_MODE=naive): the obvious consumer of the naive peer's queue (default prefix `bull`):
//            one SET of the event under its entity id, no dedupe, no ordering, no history. Used only to count the
//            Redis commands per event of the naive pipeline.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const mode = process.env['BENCH_WORKER_MODE'] === 'naive' ? 'naive' : 'noop';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const concurrency = Number(process.env['WORKER_CONCURRENCY'] ?? '16');
const prefix = mode === 'noop' ? `{${process.env['QUEUE_PREFIX'] ?? 'ripio'}}` : 'bull';

interface NaiveEvent {
  transaction?: { id?: string };
}

const store = mode === 'naive' ? new Redis(redisUrl, { maxRetriesPerRequest: null }) : undefined;
const worker = new Worker(
  'events',
  async (job) => {
    if (store === undefined) return;
    const event = job.data as NaiveEvent;
    await store.set(`naive:${event.transaction?.id ?? job.id ?? 'unknown'}`, JSON.stringify(event));
  },
  { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency },
);
worker.on('error', (error) => console.error(error));
process.once('SIGTERM', () => {
  void worker.close().then(() => {
    store?.disconnect();
    process.exit(0);
  });
});
