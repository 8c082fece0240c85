import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { runCli } from '@ripio-webhooks/cli';
import { StuckListing } from '@ripio-webhooks/contracts';
import { createUnsettledIndex } from '@ripio-webhooks/store';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAdmin, TOKEN, type AdminHarness } from './admin.test-helpers.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('admin-stuck');
const auth = { Authorization: `Bearer ${TOKEN}` };
const HOUR_MS = 3_600_000;

let admin: AdminHarness;
let cleanup: Redis;

beforeAll(async () => {
  admin = startAdmin(redisUrl, prefix);
  await admin.ready();
  cleanup = new Redis(redisUrl);
  // The index as the workers leave it (their side is tested in the worker): entered 5 h, 30 min and 3 days ago.
  const index = createUnsettledIndex(cleanup, prefix);
  const now = Date.now();
  await index.sync('off-ramp', 'payout-5h', 'WITHDRAWAL_PROCESSING', now - 5 * HOUR_MS);
  await index.sync('off-ramp', 'payout-30m', 'WITHDRAWAL_PROCESSING', now - HOUR_MS / 2);
  await index.sync('kyc', 'review-3d', 'IN_REVIEW', now - 72 * HOUR_MS);
});

afterAll(async () => {
  await admin?.close();
  if (cleanup !== undefined) {
    await deleteKeysContaining(cleanup, prefix);
    cleanup.disconnect();
  }
});

describe('stuck entities in the admin app', () => {
  it('lists the entities older than their status threshold, oldest first, with their age', async () => {
    const answer = await request(admin.app).get('/api/entities/stuck').set(auth);
    expect(answer.status).toBe(200);
    const listing = StuckListing.parse(answer.body);
    expect(listing.entities.map(({ kind, id, status }) => `${kind}/${id} ${status}`)).toEqual([
      'kyc/review-3d IN_REVIEW',
      'off-ramp/payout-5h WITHDRAWAL_PROCESSING',
    ]);
    expect(listing.entities[1]).toMatchObject({ thresholdSeconds: 4 * 3_600 });
    expect(listing.entities[1]?.ageSeconds).toBeGreaterThanOrEqual(5 * 3_600);
    expect(listing.truncated).toBe(false);
    expect(listing.thresholds).toContainEqual({ kind: 'kyc', status: 'IN_REVIEW', afterSeconds: 48 * 3_600 });

    const first = StuckListing.parse(
      (await request(admin.app).get('/api/entities/stuck?limit=1').set(auth)).body,
    );
    expect(first.entities.map((entity) => entity.id)).toEqual(['review-3d']);
    expect(first.truncated).toBe(true);
    expect((await request(admin.app).get('/api/entities/stuck?limit=0').set(auth)).status).toBe(400);
  });

  it('exports ripio_entities_stuck per kind and status, 0 where none is stuck', async () => {
    const metrics = await request(admin.app).get('/metrics').set(auth);
    expect(metrics.text).toContain('ripio_entities_stuck{kind="off-ramp",status="WITHDRAWAL_PROCESSING"} 1');
    expect(metrics.text).toContain('ripio_entities_stuck{kind="kyc",status="IN_REVIEW"} 1');
    expect(metrics.text).toContain('ripio_entities_stuck{kind="on-ramp",status="DEPOSIT_RECEIVED"} 0');
  });

  it('the CLI prints them (entities stuck), exit code 1 while any is stuck', async () => {
    const server = admin.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const env = {
      ADMIN_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      ADMIN_TOKEN: TOKEN,
    };
    try {
      const out: string[] = [];
      const code = await runCli(['entities', 'stuck'], {
        io: { out: (t) => out.push(t), err: () => undefined },
        env,
      });
      expect(code).toBe(1);
      const text = out.join('\n');
      expect(text).toMatch(/^KIND\s+ID\s+STATUS\s+AGE\s+STUCK AFTER\s+SINCE$/m);
      expect(text).toMatch(/^kyc\s+review-3d\s+IN_REVIEW\s+3d\s+> 2d\s+\S+$/m);
      expect(text).toMatch(/^off-ramp\s+payout-5h\s+WITHDRAWAL_PROCESSING\s+5h\s+> 4h\s+\S+$/m);
      expect(text).not.toContain('payout-30m');
    } finally {
      server.close();
    }
  });
});
