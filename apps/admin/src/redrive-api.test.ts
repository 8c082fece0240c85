import { runCli } from '@ripio-webhooks/cli';
import { AuditPage, ErrorBody, Redrive, RedriveDryRun, RedriveList } from '@ripio-webhooks/contracts';
import { openRedrivesQueue } from '@ripio-webhooks/store';
import { uniquePrefix } from '@ripio-webhooks/test-support';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAdmin, TOKEN, type AdminHarness } from './admin.test-helpers.js';
import { startRedriveAdmin, type RedriveAdmin } from './redrive.test-helpers.js';

const auth = { Authorization: `Bearer ${TOKEN}` };

let admin: RedriveAdmin;
beforeAll(async () => {
  admin = await startRedriveAdmin();
});
afterAll(async () => {
  await admin.close();
});

describe('re-drive API', () => {
  it('answers a dry run with the count and a sample in entity order, and writes nothing', async () => {
    const response = await request(admin.app)
      .post('/api/redrives')
      .set(auth)
      .send({ filter: { family: 'support-ticket' }, dryRun: true });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ dryRun: true, count: 3 });
    expect(RedriveDryRun.parse(response.body).sample.map((event) => event.entityId)).toEqual([
      't-1',
      't-2',
      't-3',
    ]);
    expect((await admin.pool.query('SELECT count(*)::int AS n FROM redrives')).rows).toEqual([{ n: 0 }]);
  });

  it('creates and queues a re-drive, lists, shows and cancels it', async () => {
    const created = await request(admin.app)
      .post('/api/redrives')
      .set(auth)
      .send({ filter: { entityId: 't-2' }, handlers: ['*'], ratePerSecond: 3, reason: 'ledger fix' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: 'queued',
      total: 1,
      remaining: 1,
      handlers: ['*'],
      ratePerSecond: 3,
      requestedBy: 'admin',
      reason: 'ledger fix',
    });
    const { id } = Redrive.parse(created.body);
    const queue = openRedrivesQueue({ redis: admin.redis, queuePrefix: admin.prefix });
    expect((await queue.getJob(`redrive-${id}`))?.data).toEqual({ redriveId: id });
    await queue.close();

    const listed = await request(admin.app).get('/api/redrives').set(auth);
    expect(RedriveList.parse(listed.body).redrives.map((redrive) => redrive.id)).toContain(id);
    const shown = await request(admin.app).get(`/api/redrives/${id}`).set(auth);
    expect(shown.body).toMatchObject({ id, state: 'queued', runs: [] });

    const cancelled = await request(admin.app).post(`/api/redrives/${id}/cancel`).set(auth).send({});
    expect(cancelled.body).toMatchObject({ id, state: 'cancelled' });
    const again = await request(admin.app).post(`/api/redrives/${id}/cancel`).set(auth).send({});
    expect(again.status).toBe(409);
    // Both writes are in the audit log, with the operator (ADMIN_TOKEN is the operator `admin`) and the reason.
    const audit = await request(admin.app).get('/api/audit?operator=admin&action=redrive.create').set(auth);
    expect(AuditPage.parse(audit.body).entries).toEqual([
      expect.objectContaining({
        action: 'redrive.create',
        target: id,
        operator: 'admin',
        reason: 'ledger fix',
      }),
    ]);
    const cancels = await request(admin.app).get('/api/audit?operator=admin&action=redrive.cancel').set(auth);
    expect(
      AuditPage.parse(cancels.body)
        .entries.map((entry) => entry.outcome)
        .sort(),
    ).toEqual(['cancelled', 'finished']);
    expect((await request(admin.app).get('/api/redrives/424242').set(auth)).status).toBe(404);
    expect((await request(admin.app).get('/api/redrives/x').set(auth)).status).toBe(400);
  });

  it('refuses an empty filter, a bad rate and unknown fields', async () => {
    for (const body of [
      { filter: {} },
      { filter: { kind: 'kyc' }, ratePerSecond: 0 },
      { filter: { kind: 'kyc', status: 'x' } },
      { filter: { outcome: 'dead_lettered' } },
    ]) {
      const response = await request(admin.app).post('/api/redrives').set(auth).send(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('answers 404 with EVENT_LOG=off', async () => {
    const off: AdminHarness = startAdmin(inject('redisUrl'), uniquePrefix('admin-redrives-off'));
    const response = await request(off.app).get('/api/redrives').set(auth);
    await off.close();
    expect(response.status).toBe(404);
    expect(ErrorBody.parse(response.body).error).toContain('EVENT_LOG=postgres');
  });
});

describe('ripio-webhooks redrive', () => {
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { ADMIN_URL: admin.url, ADMIN_TOKEN: TOKEN };
    const code = await runCli(['redrive', ...args], {
      io: { out: (t) => out.push(t), err: (t) => err.push(t) },
      env,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('dry-runs, creates, lists, shows and cancels', async () => {
    const dry = await cli(
      'create',
      '--family',
      'support-ticket',
      '--to',
      '2026-11-15T09:01:30Z',
      '--dry-run',
    );
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('2 events match (dry run');
    const created = await cli(
      'create',
      '--event-key',
      'support-ticket|t-3|SUPPORT_TICKET.CREATED',
      '--rate',
      '2',
      '--json',
    );
    expect(created.code, created.err).toBe(0);
    const id = String((JSON.parse(created.out) as { id: string }).id);
    expect((await cli('list')).out).toMatch(
      new RegExp(`${id}\\s+queued\\s+0 done, 0 failed, 1 remaining of 1`),
    );
    expect((await cli('show', id)).out).toContain(`re-drive ${id}: queued`);
    expect((await cli('cancel', id)).out).toContain(`re-drive ${id}: cancelled`);
    const again = await cli('cancel', id);
    expect(again).toMatchObject({ code: 1 });
    expect(again.err).toContain('409');
    expect((await cli('create')).code).toBe(2);
  });
});
