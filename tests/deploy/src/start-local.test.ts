import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretProblem } from '@ripio-webhooks/core';
import { freePort } from '@ripio-webhooks/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { findBinary, missingBinaryMessage, runCommand } from './binaries.js';
import { eventually } from './eventually.js';
import { repoPath, repoRoot } from './repo.js';

interface Expectations {
  entities: { kind: string; id: string; expectedStatus: string }[];
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose next port is free too (the script gives the second worker METRICS_PORT + 1). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await freePort();
    if (port < 65_535 && (await portIsFree(port + 1))) return port;
  }
  throw new Error('no two consecutive free ports');
}

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Splits the printed command line into arguments (the script quotes with '...' only when needed). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((match) =>
    match[1] !== undefined ? match[1].replaceAll("'\\''", "'") : (match[2] ?? ''),
  );
}

describe('scripts/start-local.mjs (what `npm start` runs after the build)', () => {
  const redisServer = findBinary('redis-server');
  if (redisServer === undefined) console.warn(missingBinaryMessage('redis-server', 'redis-server'));
  const npm = findBinary('npm');
  const dir = mkdtempSync(join(tmpdir(), 'ripio-start-local-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(redisServer === undefined || npm === undefined)(
    'starts Redis and the apps, takes the printed simulate command to the expected statuses, stops on Ctrl-C',
    async () => {
      const [port, adminPort, metricsPort] = [await freePort(), await freePort(), await freePortPair()];
      const child = spawn(process.execPath, [repoPath('scripts', 'start-local.mjs')], {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          NO_COLOR: '1',
          LOG_LEVEL: 'warn',
          // Its own redis-server even where a Redis answers on 6379 (this machine's is not ours), files in a temp dir.
          START_LOCAL_PROBE_REDIS: '0',
          START_LOCAL_DATA_DIR: dir,
          PORT: String(port),
          ADMIN_PORT: String(adminPort),
          METRICS_PORT: String(metricsPort),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const ready = new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          if (output.includes('Ctrl-C stops everything')) resolve();
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        void exited.then((code) => reject(new Error(`start-local exited with ${String(code)}:\n${output}`)));
      });
      try {
        await ready;
        const redisPort = Number(/Redis\s+redis:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
        const token = /admin token\s+(\S+)/.exec(output)?.[1] ?? '';
        // Printed as `npm run cli -- <command>`: the root script that works without pnpm on PATH.
        const simulateLine = /^\s+npm run cli -- (simulate .*)$/m.exec(output)?.[1];
        const statsLine = /^\s+npm run cli -- (stats .*)$/m.exec(output)?.[1];
        expect(output).not.toMatch(/pnpm ripio-webhooks/);
        expect(simulateLine, output).toBeDefined();
        // No secret was set: it generated strong ones, said so, and the apps accepted them.
        const secret = /^\s+secret\s+(\S+)\s+\(generated/m.exec(output)?.[1] ?? '';
        expect(/admin token\s+\S+\s+\(generated/.test(output), output).toBe(true);
        expect([secretProblem(secret), secretProblem(token)]).toEqual([undefined, undefined]);
        expect(secret).not.toBe(token);
        expect(output).toContain(`http://127.0.0.1:${port}/webhooks/ripio`);
        expect(output).toContain(`http://127.0.0.1:${metricsPort + 1}/metrics`);

        // The pasted command, with the expectations written to this test's own directory.
        const expectedFile = join(dir, 'expected.json');
        const args = shellWords(simulateLine ?? '').map((word) =>
          word === '/tmp/expected.json' ? expectedFile : word,
        );
        expect(args).toContain('--entities');
        const cli = repoPath('packages', 'cli', 'dist', 'main.js');
        // The simulate line reads the secret from the environment the printed `export` line sets.
        const exported = /^\s+export RIPIO_WEBHOOK_SECRET=(\S+)$/m.exec(output)?.[1];
        expect(shellWords(exported ?? '')).toEqual([secret]);
        // Run as printed: npm, the root script, the bootstrap, the CLI.
        const simulate = await runCommand(npm ?? 'npm', ['run', 'cli', '--', ...args], {
          cwd: repoRoot,
          env: { ...process.env, RIPIO_WEBHOOK_SECRET: secret },
        });
        expect(simulate.code, simulate.stdout + simulate.stderr).toBe(0);
        expect(simulate.stdout).toMatch(/^sent \d+ deliveries/m);

        const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as Expectations;
        expect(expected.entities.length).toBe(200);
        const statusOf = async (kind: string, id: string): Promise<string | undefined> => {
          const response = await fetch(
            `http://127.0.0.1:${adminPort}/api/entities/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`,
            { headers: { authorization: `Bearer ${token}` } },
          );
          return response.ok ? ((await response.json()) as { status: string }).status : undefined;
        };
        const wrong = await eventually(
          'every entity in its expected status',
          async () => {
            const misses: string[] = [];
            for (const entity of expected.entities) {
              const status = await statusOf(entity.kind, entity.id);
              if (status !== entity.expectedStatus) {
                misses.push(`${entity.kind}/${entity.id}: ${String(status)} != ${entity.expectedStatus}`);
              }
            }
            return misses.length === 0 ? misses : undefined;
          },
          100,
        );
        expect(wrong).toEqual([]);

        // The printed stats line, as printed.
        const stats = await runCommand(npm ?? 'npm', ['run', 'cli', '--', ...shellWords(statsLine ?? '')], {
          cwd: repoRoot,
        });
        expect(stats.code, stats.stdout + stats.stderr).toBe(0);

        // The CLI tells the same, as the printed "check" lines suggest.
        const first = expected.entities[0];
        if (first === undefined) throw new Error('no entity planned');
        const entity = await runCommand(process.execPath, [
          cli,
          'entity',
          'get',
          first.kind,
          first.id,
          '--admin-url',
          `http://127.0.0.1:${adminPort}`,
          '--token',
          token,
          '--json',
        ]);
        expect(entity.code, entity.stderr).toBe(0);
        expect((JSON.parse(entity.stdout) as { status: string }).status).toBe(first.expectedStatus);

        // Ctrl-C: everything stops, the Redis it started too, and its AOF stays for the next run.
        child.kill('SIGINT');
        expect(await exited).toBe(0);
        expect(output).toMatch(/\[start-local\] stopped/);
        expect(await tcpAnswers(redisPort)).toBe(false);
        expect(await tcpAnswers(port)).toBe(false);
        expect(existsSync(join(dir, 'redis', 'appendonlydir'))).toBe(true);
      } finally {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGINT');
          await exited;
        }
      }
    },
  );
});
