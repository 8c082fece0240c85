import { freePort } from '@ripio-webhooks/test-support';
import { join } from 'node:path';
import { BENCH_INTAKE_PROOF_KEY, BENCH_SECRET } from './bodies.js';
import { RECEIVER_MAIN, SERVERS_DIR, WORKER_MAIN, type NodeBinary } from './config.js';
import { ChildServer } from './processes.js';

/** The queue prefix of the service under test in the benchmark's own Redis. */
export const BENCH_QUEUE_PREFIX = 'bench';

export type IntakeServerId = 'bare-node' | 'express-hmac' | 'naive-peer' | 'receiver';

interface IntakeServerSpec {
  label: string;
  script: string;
  path: string;
  usesRedis: boolean;
}

export const INTAKE_SERVERS: Record<IntakeServerId, IntakeServerSpec> = {
  'bare-node': {
    label: 'ceiling: bare node:http, read body, 202',
    script: join(SERVERS_DIR, 'bare-node.js'),
    path: '/webhooks/ripio',
    usesRedis: false,
  },
  'express-hmac': {
    label: 'ceiling: Express + express.raw + HMAC, 202 (no Redis)',
    script: join(SERVERS_DIR, 'express-hmac.js'),
    path: '/webhooks/ripio',
    usesRedis: false,
  },
  'naive-peer': {
    label: 'naive peer: Express + HMAC + await queue.add (defaults)',
    script: join(SERVERS_DIR, 'naive-peer.js'),
    path: '/webhooks/ripio',
    usesRedis: true,
  },
  receiver: {
    label: 'our receiver (apps/receiver)',
    script: RECEIVER_MAIN,
    path: '/webhooks/ripio',
    usesRedis: true,
  },
};

export interface RunningServer {
  child: ChildServer;
  port: number;
  path: string;
}

export interface StartIntakeOptions {
  node: NodeBinary;
  redisUrl: string;
  nodeArgs?: readonly string[];
  /** Suffix of the log file name. */
  tag?: string;
}

/**
 * Starts one intake server in its own process on a free loopback port and waits until it listens. The receiver
 * runs with its production defaults except the loopback host, its port, Redis and the queue prefix.
 */
export async function startIntakeServer(
  id: IntakeServerId,
  options: StartIntakeOptions,
): Promise<RunningServer> {
  const spec = INTAKE_SERVERS[id];
  const port = await freePort();
  const child = ChildServer.start({
    name: `${id}-${options.node.label}${options.tag === undefined ? '' : `-${options.tag}`}`,
    node: options.node.path,
    script: spec.script,
    nodeArgs: options.nodeArgs ?? [],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: options.redisUrl,
      QUEUE_PREFIX: BENCH_QUEUE_PREFIX,
      RIPIO_WEBHOOK_SECRETS: BENCH_SECRET,
      INTAKE_PROOF_KEYS: BENCH_INTAKE_PROOF_KEY,
      NODE_ENV: 'production',
    },
  });
  try {
    await child.waitForPort(port);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { child, port, path: spec.path };
}

export type WorkerMode = 'ours' | 'noop' | 'naive';

export interface StartWorkerOptions {
  mode: WorkerMode;
  node: NodeBinary;
  redisUrl: string;
  concurrency: number;
  name: string;
  nodeArgs?: readonly string[];
  /** Extra settings (e.g. EVENT_LOG=postgres). */
  env?: Record<string, string>;
}

/** One worker process: apps/worker (`ours`), or the BullMQ baseline worker of bench/ (`noop`, `naive`). */
export async function startWorker(
  options: StartWorkerOptions,
): Promise<{ child: ChildServer; metricsPort: number }> {
  const metricsPort = await freePort();
  const child = ChildServer.start({
    name: options.name,
    node: options.node.path,
    script: options.mode === 'ours' ? WORKER_MAIN : join(SERVERS_DIR, 'bullmq-worker.js'),
    nodeArgs: options.nodeArgs ?? [],
    env: {
      REDIS_URL: options.redisUrl,
      QUEUE_PREFIX: BENCH_QUEUE_PREFIX,
      WORKER_CONCURRENCY: String(options.concurrency),
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
      BENCH_WORKER_MODE: options.mode,
      INTAKE_PROOF_KEYS: BENCH_INTAKE_PROOF_KEY,
      NODE_ENV: 'production',
      ...options.env,
    },
  });
  return { child, metricsPort };
}
