import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { runCli } from '@ripio-webhooks/cli';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { startAdmin, TOKEN, type AdminHarness } from './admin.test-helpers.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('cli-access');

let admin: AdminHarness;
let server: Server;
let adminUrl: string;
let cleanup: Redis;

beforeAll(async () => {
  admin = startAdmin(redisUrl, prefix);
  await admin.ready();
  server = admin.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  adminUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanup = new Redis(redisUrl);
});

afterAll(async () => {
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  await admin?.close();
  if (cleanup !== undefined) {
    await deleteKeysContaining(cleanup, prefix);
    cleanup.disconnect();
  }
});

/** The CLI over real HTTP; the token is the environment's ADMIN_TOKEN unless `--token` is given. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (text: string) => out.push(text), err: (text: string) => err.push(text) };
  const env = { ADMIN_URL: adminUrl, ADMIN_TOKEN: TOKEN };
  const code = await runCli(args, { io, env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ripio-webhooks operators and audit', () => {
  it('creates an operator whose token works at once, lists it, audits its writes, and revokes it', async () => {
    const created = await cli('operators', 'create', 'cli-otto', '--role', 'operate');
    expect(created.code).toBe(0);
    const token = /^token: (rwop_\S+)$/m.exec(created.out)?.[1];
    expect(token).toBeDefined();

    const list = await cli('operators', 'list');
    expect(list.out).toMatch(/^cli-otto\s+operate\s+\S+\s+admin$/m);
    expect(list.out).not.toContain(token!);

    const replay = await cli(
      'dlq',
      'replay',
      'cli-missing',
      '--note',
      'retrying after the fix',
      '--token',
      token!,
    );
    expect(replay.code).toBe(1);
    expect(replay.out).toContain('cli-missing: no such entry');
    expect((await cli('dlq', 'purge', 'cli-missing', '--token', token!)).code).toBe(2);
    const refused = await cli('operators', 'create', 'cli-eve', '--role', 'admin', '--token', token!);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/403: forbidden: cli-otto has role operate/);

    const audit = await cli('audit', 'list', '--json');
    const entries = (
      JSON.parse(audit.out) as { entries: { operator: string; action: string; reason: string }[] }
    ).entries;
    expect(entries.slice(0, 2)).toMatchObject([
      { operator: 'cli-otto', action: 'dead-letter.replay', reason: 'retrying after the fix' },
      { operator: 'admin', action: 'operator.create' },
    ]);
    const table = await cli('audit', 'list', '--operator', 'cli-otto');
    expect(table.out).toMatch(
      /cli-otto\s+dead-letter\.replay\s+cli-missing\s+missing\s+retrying after the fix/,
    );

    expect((await cli('operators', 'revoke', 'cli-otto', '--note', 'left the team')).out).toBe(
      'revoked cli-otto',
    );
    const after = await cli('stats', '--token', token!);
    expect(after.code).toBe(1);
    expect(after.err).toMatch(/401/);
  });

  it('refuses a role it does not know, and a missing name', async () => {
    expect((await cli('operators', 'create', 'x', '--role', 'root')).code).toBe(2);
    expect((await cli('operators', 'create', '--role', 'read')).code).toBe(2);
    expect((await cli('operators', 'revoke', 'nobody')).code).toBe(1);
  });
});
