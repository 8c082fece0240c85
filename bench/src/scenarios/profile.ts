import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { uniqueEvents } from '../bodies.js';
import { REPO_DIR, TMP_DIR, type BenchConfig, type NodeBinary } from '../config.js';
import { saturate } from '../load.js';
import { log } from '../log.js';
import type { BenchRedis } from '../redis.js';
import { startIntakeServer, startWorker } from '../servers.js';
import { eventsQueue, prefill, processingJobs, waitForFinished, waitForWorkers } from './processing.js';
import { round } from '../stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface ProfileEntry {
  function: string;
  /** file:line, relative to the repository (node_modules paths shortened to the package). */
  location: string;
  selfPercent: number;
  /** For native frames (where the location says little): the nearest non-internal caller holding most of that time. */
  mainCaller?: string;
}

export interface ProfileResult {
  file: string;
  /** req/s (receiver) or events/s (worker) while profiled. */
  rps: number;
  totalMs: number;
  top: ProfileEntry[];
  /** Self time grouped by where the code lives (our packages, express, bullmq, ioredis, node internals...). */
  byArea: Record<string, number>;
}

function shortLocation(url: string, line: number): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return `${url}:${line + 1}`;
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  const shown = modules >= 0 ? path.slice(modules + '/node_modules/'.length) : relative(REPO_DIR, path);
  return `${shown}:${line + 1}`;
}

function areaOf(url: string): string {
  if (url === '') return 'native (V8 builtins, GC, program)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? 'unknown');
  }
  if (url.includes('/packages/') || url.includes('/apps/')) return 'ripio-webhooks';
  return 'other';
}

/** Native and node: frames, skipped when looking for the code that caused a native frame's time. */
function isInternal(node: ProfileNode): boolean {
  return node.callFrame.url === '' || node.callFrame.url.startsWith('node:');
}

function frameKey(node: ProfileNode): string {
  const frame = node.callFrame;
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  return `${name}\u0000${shortLocation(frame.url, frame.lineNumber)}`;
}

function splitKey(key: string): [string, string] {
  const [fn = '', location = ''] = key.split('\u0000');
  return [fn, location];
}

/** Self time per function of a V8 CPU profile, with the main caller of native frames. */
function summarizeProfile(
  profile: CpuProfile,
  limit = 15,
): { totalMs: number; top: ProfileEntry[]; byArea: Record<string, number> } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parents.set(child, node);
  }
  const selfUs = new Map<string, number>();
  const callerUs = new Map<string, Map<string, number>>();
  const areaUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (node === undefined) return;
    const key = frameKey(node);
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    if (node.callFrame.url === '') {
      let caller = parents.get(node.id);
      while (caller !== undefined && isInternal(caller) && caller.callFrame.functionName !== '(root)') {
        caller = parents.get(caller.id);
      }
      if (caller !== undefined && caller.callFrame.functionName !== '(root)') {
        const callers = callerUs.get(key) ?? new Map<string, number>();
        const callerKey = frameKey(caller);
        callers.set(callerKey, (callers.get(callerKey) ?? 0) + delta);
        callerUs.set(key, callers);
      }
    }
    const area = node.callFrame.functionName === '(idle)' ? 'idle' : areaOf(node.callFrame.url);
    areaUs.set(area, (areaUs.get(area) ?? 0) + delta);
    totalUs += delta;
  });
  const top = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => {
      const [fn, location] = splitKey(key);
      const callers = [...(callerUs.get(key)?.entries() ?? [])].sort((a, b) => b[1] - a[1]);
      const main = callers[0];
      const entry: ProfileEntry = { function: fn, location, selfPercent: round((100 * us) / totalUs, 1) };
      if (main !== undefined) {
        const [callerFn, callerLocation] = splitKey(main[0]);
        entry.mainCaller = `${callerFn} (${callerLocation}), ${Math.round((100 * main[1]) / us)}% of it`;
      }
      return entry;
    });
  const byArea = Object.fromEntries(
    [...areaUs.entries()]
      .sort((a, b) => b[1] - a[1])
      .filter(([, us]) => us / totalUs >= 0.005)
      .map(([area, us]) => [area, round((100 * us) / totalUs, 1)]),
  );
  return { totalMs: round(totalUs / 1000, 0), top, byArea };
}

function profileDir(name: string): string {
  const dir = join(TMP_DIR, 'profiles', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function readProfile(
  dir: string,
  what: string,
): { file: string; summary: ReturnType<typeof summarizeProfile> } {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) {
    throw new Error(`the ${what} wrote no CPU profile in ${dir} (did it exit cleanly on SIGTERM?)`);
  }
  const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
  log(
    `  ${what} profile: top ${summary.top
      .slice(0, 4)
      .map((entry) => `${entry.function} ${entry.selfPercent}%`)
      .join(', ')}`,
  );
  return { file: relative(REPO_DIR, join(dir, file)), summary };
}

/** The receiver under saturation with `--cpu-prof`; the profile is written when it exits on SIGTERM. */
export async function runReceiverProfile(
  node: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
): Promise<ProfileResult> {
  const dir = profileDir('receiver');
  await redis.flush();
  const server = await startIntakeServer('receiver', {
    node,
    redisUrl: redis.url,
    tag: 'profile',
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  let rps: number;
  try {
    const target = { port: server.port, path: server.path };
    if (config.warmupS > 0) await saturate(target, uniqueEvents(), config.connections, config.warmupS);
    rps = (await saturate(target, uniqueEvents(), config.connections, config.durationS)).rps;
  } finally {
    await server.child.stop();
  }
  const { file, summary } = readProfile(dir, 'receiver');
  return { file, rps: round(rps, 0), ...summary };
}

/**
 * One apps/worker process (concurrency 16) draining a pre-filled queue of twice the processing size with
 * `--cpu-prof` (the profile also holds the process start, so a longer drain dilutes it).
 */
export async function runWorkerProfile(
  node: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
): Promise<ProfileResult> {
  const dir = profileDir('worker');
  await redis.flush();
  const queue = eventsQueue(redis.url);
  let rps: number;
  try {
    await queue.pause();
    const jobs = processingJobs(config.processingEvents * 2);
    await prefill(queue, jobs);
    const { child } = await startWorker({
      mode: 'ours',
      node,
      redisUrl: redis.url,
      concurrency: 16,
      name: 'worker-profile',
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    });
    try {
      await waitForWorkers(queue, 1, [child]);
      const startedAt = performance.now();
      await queue.resume();
      await waitForFinished(queue, jobs.length, 120_000);
      rps = jobs.length / ((performance.now() - startedAt) / 1000);
    } finally {
      await child.stop();
    }
  } finally {
    await queue.close();
  }
  const { file, summary } = readProfile(dir, 'worker');
  return { file, rps: round(rps, 0), ...summary };
}
