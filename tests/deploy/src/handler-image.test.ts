import { randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRipioBody } from '@ripio-webhooks/core';
import { sampleEvent, toRipioJson } from '@ripio-webhooks/schemas';
import { freePort, LocalRedisServer, TEST_WEBHOOK_SECRET, uniquePrefix } from '@ripio-webhooks/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { scrape, startApp, type RunningApp } from './app-process.js';
import { findBinary, runCommand } from './binaries.js';
import { eventually } from './eventually.js';
import { parseExposition } from './exposition.js';
import {
  EXAMPLE_DIR,
  EXPECTED_BUILD_STEPS,
  readHandlerDockerfile,
  runBuildStage,
  runFinalStage,
} from './handler-image.js';
import { readRepoFile, repoRoot } from './repo.js';

interface Credit {
  idempotencyKey: string | undefined;
  body: { transactionId: string; amount?: string; currency?: string };
}

/** The ledger the example handler books credits in: records each POST, refuses transactions named `refused-*`. */
async function startLedger(): Promise<{ server: Server; url: string; credits: Credit[] }> {
  const credits: Credit[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const body = JSON.parse(raw) as Credit['body'];
      const key = request.headers['idempotency-key'];
      credits.push({ idempotencyKey: Array.isArray(key) ? key[0] : key, body });
      const refused = request.url !== '/credits' || body.transactionId.startsWith('refused-');
      response.writeHead(refused ? 422 : 201).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${port}`, credits };
}

/**
 * No Docker engine here: this performs the example handler Dockerfile's stages (deploy/handlers-example, shown in
 * docs/deployment.md) on top of what the worker image holds (`pnpm deploy --prod`), then runs that worker as the
 * image would, with HANDLERS_MODULE from the Dockerfile, and sends it signed events through a receiver.
 */
describe('the worker image with a handlers module added (docs/deployment.md)', () => {
  const pnpm = findBinary('pnpm');
  const npm = findBinary('npm');
  if (pnpm === undefined || npm === undefined) {
    console.warn('pnpm or npm is not on PATH (npm test puts both there): skipping the handler image');
  }
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it.skipIf(pnpm === undefined || npm === undefined)(
    'loads the module from its own folder and runs it for applied events',
    async () => {
      const work = await mkdtemp(join(tmpdir(), 'ripio-handler-image-'));
      cleanups.push(() => rm(work, { recursive: true, force: true }));
      const dockerfile = await readHandlerDockerfile();
      expect(dockerfile.buildSteps).toEqual(EXPECTED_BUILD_STEPS);
      expect(dockerfile.finalFrom).toBe('${WORKER_IMAGE}');
      // The page shows the very Dockerfile this test performs.
      expect(readRepoFile('docs', 'deployment.md')).toContain(
        readRepoFile('deploy', 'handlers-example', 'Dockerfile'),
      );

      // The documented commands: `npm run handlers:pack` puts the tarball in the example's vendor/ (ignored by
      // git), and that folder is the build context.
      const packed = await runCommand(npm ?? '', ['run', 'handlers:pack'], { cwd: repoRoot });
      expect(packed.code, packed.stdout + packed.stderr).toBe(0);
      const context = join(work, 'context');
      await cp(EXAMPLE_DIR, context, {
        recursive: true,
        filter: (source) => !/node_modules|dist/.test(source),
      });
      expect(await readdir(join(context, 'vendor'))).toEqual(['ripio-webhooks-handlers-0.1.0.tgz']);

      // FROM ${WORKER_IMAGE}: the worker target's /app is `pnpm deploy --prod` of the worker.
      const root = join(work, 'image');
      const deployed = await runCommand(
        pnpm ?? '',
        ['--filter', '@ripio-webhooks/worker', 'deploy', '--prod', join(root, 'app')],
        { cwd: repoRoot, env: { ...process.env, CI: '1' } },
      );
      expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
      await runBuildStage(dockerfile, context, join(work, 'build'));
      await runFinalStage(dockerfile, join(work, 'build'), root);
      expect(dockerfile.handlersModule).toBe('/srv/handlers/dist/handlers.js');
      // Only the module's production dependency came along: the package, unpacked from its tarball.
      expect(await readdir(join(root, 'srv', 'handlers', 'node_modules', '@ripio-webhooks'))).toEqual([
        'handlers',
      ]);

      const ledger = await startLedger();
      cleanups.push(() => new Promise((resolve) => ledger.server.close(resolve)));
      const redis = await LocalRedisServer.start({ appendonly: false });
      cleanups.push(() => redis.stop());
      const shared = {
        REDIS_URL: redis.url,
        QUEUE_PREFIX: uniquePrefix('handler-image'),
        LOG_LEVEL: 'warn',
        INTAKE_PROOF_KEYS: randomBytes(32).toString('hex'),
      };
      const [receiverPort, workerPort] = [await freePort(), await freePort()];
      const started: RunningApp[] = [];
      cleanups.push(() => Promise.all(started.map((app) => app.stop())));
      const receiver = await startApp({
        app: 'receiver',
        label: 'receiver',
        port: receiverPort,
        env: {
          ...shared,
          RIPIO_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
          PORT: String(receiverPort),
          HOST: '127.0.0.1',
          // Nothing scrapes it here: any free port, never the default another test may hold.
          METRICS_PORT: '0',
        },
      });
      started.push(receiver);
      const worker = await startApp({
        app: 'worker',
        label: 'worker with the handlers module (image layout)',
        port: workerPort,
        appDir: join(root, 'app'),
        env: {
          ...shared,
          NODE_ENV: 'production',
          METRICS_PORT: String(workerPort),
          METRICS_HOST: '127.0.0.1',
          HANDLERS_MODULE: join(root, dockerfile.handlersModule),
          LEDGER_URL: ledger.url,
        },
      });
      started.push(worker);

      async function send(eventType: 'OFF-RAMP.WITHDRAWAL.COMPLETED' | 'ACCOUNT.CLOSED', entityId: string) {
        const body = toRipioJson(
          sampleEvent(eventType, { entityId, issueDatetime: new Date().toISOString() }),
        );
        const answer = await fetch(`http://127.0.0.1:${receiverPort}/webhooks/ripio`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-wh-signature-256': signRipioBody(body, TEST_WEBHOOK_SECRET),
          },
          body,
        });
        expect(answer.status).toBe(202);
        return ((await answer.json()) as { eventKey: string }).eventKey;
      }
      const metric = async (name: string, labels: Record<string, string>) =>
        parseExposition(await scrape(worker))
          .samples.filter(
            (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
          )
          .reduce((total, s) => total + s.value, 0);

      // A withdrawal is credited once, with its event key as the idempotency key; other types run no handler.
      const booked = randomUUID();
      const bookedKey = await send('OFF-RAMP.WITHDRAWAL.COMPLETED', booked);
      await send('ACCOUNT.CLOSED', `account-${randomUUID()}`);
      await eventually('both events applied', async () =>
        (await metric('ripio_events_processed_total', { outcome: 'applied' })) >= 2 ? true : undefined,
      );
      expect(ledger.credits).toEqual([
        {
          idempotencyKey: bookedKey,
          body: expect.objectContaining({ transactionId: booked }) as Credit['body'],
        },
      ]);

      // The ledger refuses one: the module's UnrecoverableEventError (its own copy of the package) dead-letters
      // the event at once, without retries.
      const refused = `refused-${randomUUID()}`;
      await send('OFF-RAMP.WITHDRAWAL.COMPLETED', refused);
      await eventually('the refused event dead-lettered', async () =>
        (await metric('ripio_dead_lettered_total', { reason: 'handler_failed' })) === 1 ? true : undefined,
      );
      expect(ledger.credits.filter((credit) => credit.body.transactionId === refused)).toHaveLength(1);
      expect(await metric('ripio_retries_total', {})).toBe(0);
    },
  );
});
