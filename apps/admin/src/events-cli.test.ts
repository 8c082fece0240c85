import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '@ripio-webhooks/cli';
import { parse as parseCsv } from 'csv-parse/sync';
import { Redis } from 'ioredis';
import { createEventLogReader } from '@ripio-webhooks/event-log';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAdmin, TOKEN, type AdminHarness } from './admin.test-helpers.js';
import { logDatabase, loggedEvent, type LogDatabase } from './event-log.test-helpers.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('admin-events-cli');
/** Enough events that the export spans many chunks of the stream. */
const EVENTS = 1_500;

let log: LogDatabase;
let admin: AdminHarness;
let server: Server;
let dir: string;
let env: { ADMIN_URL: string; ADMIN_TOKEN: string };

const at = (index: number): string =>
  new Date(Date.parse('2026-10-01T00:00:00.000Z') + index * 60_000).toISOString();

beforeAll(async () => {
  log = await logDatabase(inject('postgresUrl'));
  const records = Array.from({ length: EVENTS }, (_, index) =>
    loggedEvent({
      type: index % 2 === 0 ? 'OFF-RAMP.DEPOSIT.RECEIVED' : 'OFF-RAMP.ORDER.CANCELLED',
      id: `cli-${index}`,
      issuedAt: at(index),
      object: { customerId: index % 3 === 0 ? 'cus-three' : 'cus-other' },
    }),
  );
  for (let start = 0; start < records.length; start += 500) {
    await log.write(records.slice(start, start + 500));
  }
  admin = startAdmin(redisUrl, prefix, { eventLog: createEventLogReader({ databaseUrl: log.database.url }) });
  await admin.ready();
  server = admin.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  env = { ADMIN_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ADMIN_TOKEN: TOKEN };
  dir = await mkdtemp(join(tmpdir(), 'events-cli-'));
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  await admin?.close();
  await log?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  const cleanup = new Redis(redisUrl);
  await deleteKeysContaining(cleanup, prefix);
  cleanup.disconnect();
});

async function cli(
  args: string[],
  stdout?: PassThrough,
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (text: string) => out.push(text), err: (text: string) => err.push(text) };
  const code = await runCli(args, { io, env, ...(stdout === undefined ? {} : { stdout }) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ripio-webhooks events against a real admin app', () => {
  it('list: a filtered page with its total and the cursor of the next', async () => {
    const listed = await cli(['events', 'list', '--customer-id', 'cus-three', '--limit', '3']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`${EVENTS / 3} matching`);
    expect(listed.out).toMatch(/more: --cursor \S+/);
    const json = await cli(['events', 'list', '--match', 'transactionObject.transactionId=cli-7', '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ events: [{ entityId: 'cli-7' }], total: { count: 1 } });
    expect((await cli(['events', 'list', '--outcome', 'won'])).code).toBe(2);
  });

  it('show: one event with its body; an unknown key exits 1', async () => {
    const [first] = (
      JSON.parse((await cli(['events', 'list', '--entity-id', 'cli-4', '--json'])).out) as {
        events: { eventKey: string }[];
      }
    ).events;
    const shown = await cli(['events', 'show', first?.eventKey ?? '']);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`eventKey: ${first?.eventKey}`);
    expect(shown.out).toContain('"transactionId": "cli-4"');
    const missing = await cli(['events', 'show', 'off-ramp|none|X']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('404');
  });

  it('export: every match as NDJSON to a file, oldest first', async () => {
    const file = join(dir, 'events.ndjson');
    const exported = await cli(['events', 'export', '--family', 'off-ramp', '--out', file]);
    expect(exported.code).toBe(0);
    expect(exported.err).toMatch(/^wrote \d+ bytes of ndjson to /);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(EVENTS);
    expect(lines.map((line) => (JSON.parse(line) as { entityId: string }).entityId).slice(0, 2)).toEqual([
      'cli-0',
      'cli-1',
    ]);
  });

  it('export: CSV to stdout, filtered', async () => {
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const exported = await cli(
      ['events', 'export', '--format', 'csv', '--event-type', 'OFF-RAMP.ORDER.CANCELLED'],
      stdout,
    );
    expect(exported.code).toBe(0);
    const records = parseCsv<Record<string, string>>(Buffer.concat(chunks).toString('utf8'), {
      columns: true,
    });
    expect(records).toHaveLength(EVENTS / 2);
    expect(records.every((record) => record.eventType === 'OFF-RAMP.ORDER.CANCELLED')).toBe(true);
  });

  it('export: a refused filter exits 1 with the admin API error', async () => {
    const refused = await cli([
      'events',
      'export',
      '--from',
      'yesterday',
      '--out',
      join(dir, 'never.ndjson'),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/answered 400: invalid query/);
  });
});
