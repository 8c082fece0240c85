// `pnpm bench:event-log`: the event log's costs and rates on this machine. One redis-server and one embedded
// PostgreSQL of the benchmark's own; prints a Markdown table and writes bench/results/event-log-<date>.json.
//   1. client insert rate: pg vs postgres with the archiver's statement (why the archiver uses pg);
//   2. processing with the event log off vs on (1 worker process, concurrency 16 and 64, median of BENCH_RUNS);
//   3. the archiver draining what the worker appended (records/s), against the worker's rate.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { LocalPostgresServer } from '@ripio-webhooks/test-support';
import { loadConfig, RESULTS_DIR } from './config.js';
import { archiveStream, type ArchiveRun } from './event-log/archive-rate.js';
import { measureClientInserts } from './event-log/client-insert.js';
import { drainWithWorker, type DrainRun } from './event-log/drain.js';
import { log } from './log.js';
import { BenchRedis } from './redis.js';
import { round, spreadOf } from './stats.js';

const config = loadConfig();
const node = config.nodes[0];
if (node === undefined) throw new Error('no Node binary');
const before = loadavg();
const redis = await BenchRedis.start();
const postgres = await LocalPostgresServer.start();
try {
  log(`client inserts: 20,000 rows in batches of 500, ${config.runs} runs per client`);
  const clients = await measureClientInserts(postgres.url, 20_000, 500, config.runs);
  const processing: {
    concurrency: number;
    off: number[];
    on: number[];
    cpuOff: number[];
    cpuOn: number[];
  }[] = [];
  const archive: ArchiveRun[] = [];
  for (const concurrency of config.workerConcurrencies) {
    const row = {
      concurrency,
      off: [] as number[],
      on: [] as number[],
      cpuOff: [] as number[],
      cpuOn: [] as number[],
    };
    for (let run = 0; run < config.runs; run += 1) {
      const off: DrainRun = await drainWithWorker(node, redis, config.processingEvents, concurrency, 'off');
      const on: DrainRun = await drainWithWorker(
        node,
        redis,
        config.processingEvents,
        concurrency,
        'postgres',
      );
      log(
        `  c${concurrency} run ${run + 1}: off ${Math.round(off.eventsPerSecond)}/s, on ${Math.round(on.eventsPerSecond)}/s`,
      );
      row.off.push(off.eventsPerSecond);
      row.on.push(on.eventsPerSecond);
      row.cpuOff.push(off.workerCpuUs);
      row.cpuOn.push(on.workerCpuUs);
      archive.push(await archiveStream(node, redis, postgres.url));
    }
    processing.push(row);
  }
  const rates = archive.map((run) => run.recordsPerSecond);
  const lines = [
    `| measure | median | runs |`,
    `| --- | --- | --- |`,
    ...clients.map(
      (result) =>
        `| insert rate, \`${result.client}\` (batches of ${result.batch}) | ${Math.round(result.rowsPerSecond.median)} rows/s | ${result.rowsPerSecond.runs.map(Math.round).join(', ')} |`,
    ),
    ...processing.flatMap((row) => {
      const off = spreadOf(row.off).median;
      const on = spreadOf(row.on).median;
      return [
        `| processing c${row.concurrency}, event log off | ${Math.round(off)} events/s (${Math.round(spreadOf(row.cpuOff).median)} µs CPU/event) | ${row.off.map(Math.round).join(', ')} |`,
        `| processing c${row.concurrency}, event log on | ${Math.round(on)} events/s (${Math.round(spreadOf(row.cpuOn).median)} µs CPU/event), ${round((on / off - 1) * 100, 1)}% | ${row.on.map(Math.round).join(', ')} |`,
      ];
    }),
    `| archiver drain | ${Math.round(spreadOf(rates).median)} records/s (${Math.round(spreadOf(archive.map((run) => run.archiverCpuUs)).median)} µs CPU/record) | ${rates.map(Math.round).join(', ')} |`,
    `| Postgres size per event (events table, indexes, TOAST) | ${Math.round(spreadOf(archive.map((run) => run.bytesPerEvent)).median)} bytes | ${archive.map((run) => Math.round(run.bytesPerEvent)).join(', ')} |`,
  ];
  const header = `node ${node.version}, ${cpus().length} cores, load before ${before.map((value) => value.toFixed(2)).join(' ')}, ${config.processingEvents} events per drain, ${config.runs} runs`;
  process.stdout.write(`\n${header}\n\n${lines.join('\n')}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `event-log-${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify({ header, clients, processing, archive }, null, 2)}\n`);
  log(`results: ${file}`);
} finally {
  await postgres.stop();
  await redis.stop();
}
