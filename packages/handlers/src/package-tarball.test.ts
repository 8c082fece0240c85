import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A handlers module as an operator writes it, against the package alone. */
const HANDLERS_SOURCE = `
import { defineHandlers, UnrecoverableEventError, type HandlerContext } from '@ripio-webhooks/handlers';

export const seen: string[] = [];

function describeMove({ before, after }: HandlerContext): string {
  return \`\${before?.status ?? 'NEW'} -> \${after.status}\`;
}

export default defineHandlers({
  'OFF-RAMP.WITHDRAWAL.COMPLETED': async (context) => {
    const { event, eventKey, history, signal } = context;
    // The object is typed by the event type: an off-ramp transaction.
    const transactionId: string = event.object.transactionId;
    const hash: string | null | undefined = event.object.txnHash;
    // @ts-expect-error an off-ramp transaction has no ticketId (only unknown extra fields)
    const ticketId: string = event.object.ticketId;
    const earlier = history.map((entry) => \`\${entry.eventType}:\${entry.outcome}\`);
    signal.throwIfAborted();
    seen.push([eventKey, transactionId, hash ?? '-', ticketId ?? '-', describeMove(context), ...earlier].join(' '));
  },
  'SUPPORT_TICKET.FAILED': ({ event }) => {
    throw new UnrecoverableEventError(\`ticket \${event.object.ticketId} cannot be retried\`);
  },
  '*': ({ event, outcome, attempt }) => {
    if (event.eventType === 'KYC.COMPLETED') seen.push(\`kyc \${event.object.customerId} \${outcome} \${attempt}\`);
  },
});

// @ts-expect-error not an event type
export const wrongKey = defineHandlers({ 'OFF-RAMP.TELEPORTED': () => undefined });
`;

const pnpm = onPath('pnpm');
if (pnpm === undefined) {
  console.warn('pnpm is not on PATH (npm test puts it there): skipping the tarball test');
}

describe('the package as a tarball: packed, unpacked alone, typechecked and imported', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it.skipIf(pnpm === undefined)('types and runs a handlers module with no workspace around it', async () => {
    const work = await mkdtemp(join(tmpdir(), 'ripio-handlers-pack-'));
    dirs.push(work);
    await run(pnpm ?? 'pnpm', ['pack', '--pack-destination', work], { cwd: packageDir });
    const tarballs = (await readdir(work)).filter((name) => name.endsWith('.tgz'));
    expect(tarballs).toEqual(['ripio-webhooks-handlers-0.1.0.tgz']);
    const tarball = join(work, tarballs[0] ?? '');

    // What ships: the compiled module and its declarations, the README, package.json. No sources, no tests.
    const listed = (await run('tar', ['-tzf', tarball])).stdout.trim().split('\n').sort();
    expect(listed).toContain('package/dist/index.js');
    expect(listed).toContain('package/dist/index.d.ts');
    expect(listed).toContain('package/README.md');
    expect(listed.filter((file) => /\.test\.|\/src\/|\.map$/.test(file))).toEqual([]);

    // Installed as npm would: the tarball's `package/` folder becomes node_modules/@ripio-webhooks/handlers.
    const project = join(work, 'my-handlers');
    const scope = join(project, 'node_modules', '@ripio-webhooks');
    await mkdir(scope, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', scope]);
    await rename(join(scope, 'package'), join(scope, 'handlers'));
    const manifest = JSON.parse(await readFile(join(scope, 'handlers', 'package.json'), 'utf8')) as {
      private?: boolean;
      dependencies?: object;
      peerDependencies?: object;
    };
    expect([manifest.private, manifest.dependencies, manifest.peerDependencies]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);

    await writeFile(join(project, 'package.json'), '{ "type": "module" }\n');
    await mkdir(join(project, 'src'));
    await writeFile(join(project, 'src', 'handlers.ts'), HANDLERS_SOURCE);
    const compilerOptions = {
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      module: 'NodeNext',
      target: 'ES2024',
      // No @types/node: the DOM lib gives AbortSignal, so the package's declarations need nothing else.
      lib: ['ES2024', 'DOM'],
      types: [],
      skipLibCheck: false,
      rootDir: 'src',
      outDir: 'dist',
    };
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }));
    // tsc's complaints, if any (an unused @ts-expect-error counts: the types must refuse those lines).
    const complaints = await run(process.execPath, [tsc, '-p', project]).then(
      () => '',
      (error: { stdout?: string; message: string }) => error.stdout ?? error.message,
    );
    expect(complaints).toBe('');

    // And the compiled module runs: defineHandlers returns the map, UnrecoverableEventError keeps its name.
    const loaded = (await import(pathToFileURL(join(project, 'dist', 'handlers.js')).href)) as {
      default: Record<string, (context: unknown) => Promise<void> | void>;
      seen: string[];
    };
    expect(Object.keys(loaded.default).sort()).toEqual([
      '*',
      'OFF-RAMP.WITHDRAWAL.COMPLETED',
      'SUPPORT_TICKET.FAILED',
    ]);
    await loaded.default['OFF-RAMP.WITHDRAWAL.COMPLETED']?.({
      event: {
        eventType: 'OFF-RAMP.WITHDRAWAL.COMPLETED',
        object: { transactionId: 'tx-1', txnHash: '0xab' },
      },
      eventKey: 'key-1',
      before: { status: 'WITHDRAWAL_PROCESSING' },
      after: { status: 'WITHDRAWAL_COMPLETED' },
      history: [{ eventType: 'OFF-RAMP.DEPOSIT.RECEIVED', outcome: 'applied' }],
      signal: new AbortController().signal,
    });
    expect(loaded.seen).toEqual([
      'key-1 tx-1 0xab - WITHDRAWAL_PROCESSING -> WITHDRAWAL_COMPLETED OFF-RAMP.DEPOSIT.RECEIVED:applied',
    ]);
    let thrown: unknown;
    try {
      await loaded.default['SUPPORT_TICKET.FAILED']?.({
        event: { eventType: 'SUPPORT_TICKET.FAILED', object: { ticketId: 't-1' } },
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect([(thrown as Error).name, (thrown as Error).message]).toEqual([
      'UnrecoverableEventError',
      'ticket t-1 cannot be retried',
    ]);
  });
});
