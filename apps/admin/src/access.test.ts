import { Redis } from 'ioredis';
import { AuditPage, WhoAmI, type OperatorRole } from '@ripio-webhooks/contracts';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { createOperator, startAdmin, TOKEN, type AdminHarness } from './admin.test-helpers.js';
import { apiRouter } from './api.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('access');
const REASON = 'checked with the payments team';

let admin: AdminHarness;
let cleanup: Redis;

beforeAll(async () => {
  admin = startAdmin(redisUrl, prefix);
  await admin.ready();
  cleanup = new Redis(redisUrl);
});

afterAll(async () => {
  await admin?.close();
  if (cleanup !== undefined) {
    await deleteKeysContaining(cleanup, prefix);
    cleanup.disconnect();
  }
});

type Method = 'post' | 'put' | 'patch' | 'delete';
interface WriteRoute {
  method: Method;
  path: string;
}

/** Every route of the API router that is not a read, as Express holds them: a new write route is listed here. */
function writeRoutes(): WriteRoute[] {
  const router = apiRouter(
    admin.stores,
    admin.access,
    admin.metrics,
    pino({ level: 'silent' }),
  ) as unknown as {
    stack: { route?: { path: string; methods: Record<string, boolean> } }[];
  };
  return router.stack.flatMap(({ route }) =>
    route === undefined
      ? []
      : Object.keys(route.methods)
          .filter((method) => !['get', 'head', 'options', '_all'].includes(method))
          .map((method) => ({ method: method as Method, path: route.path })),
  );
}

/**
 * How each write route is called in these tests (valid requests for things that do not exist, so nothing real
 * changes) and the audit action it must record. A write route missing here fails the tests: add it.
 */
/** `eventLog`: the route answers 404 without the event log (off here); its audit entries: redrive-api.test.ts. */
const CALLS: Record<string, { action: string; body?: Record<string, unknown>; eventLog?: true }> = {
  'post /dead-letter/replay': {
    action: 'dead-letter.replay-many',
    body: { deadLetterReason: 'unsigned', max: 1 },
  },
  'post /dead-letter/:id/replay': { action: 'dead-letter.replay', body: {} },
  'delete /dead-letter/:id': { action: 'dead-letter.delete' },
  'post /entities/:kind/:id/release': { action: 'hold.release', body: { eventKey: 'none', action: 'skip' } },
  'post /operators': { action: 'operator.create', body: { role: 'read' } },
  'delete /operators/:name': { action: 'operator.revoke' },
  'post /processing/pause': { action: 'processing.pause' },
  'post /processing/resume': { action: 'processing.resume' },
  'post /redrives': { action: 'redrive.create', body: { filter: { eventKeys: ['none'] } }, eventLog: true },
  'post /redrives/:id/cancel': { action: 'redrive.cancel', eventLog: true },
};

function call(route: WriteRoute, token: string, name: string) {
  const key = `${route.method} ${route.path}`;
  const spec = CALLS[key];
  if (spec === undefined) throw new Error(`write route ${key} has no entry in CALLS: add one`);
  const path = route.path
    .replace(':kind', 'off-ramp')
    .replace(':id', 'access-test-missing')
    .replace(':name', name);
  const body = { ...spec.body, reason: REASON, ...(key === 'post /operators' ? { name } : {}) };
  const query = route.method === 'delete' ? `?reason=${encodeURIComponent(REASON)}` : '';
  const client = request(admin.app);
  return client[route.method](`/api${path}${query}`)
    .set('Authorization', `Bearer ${token}`)
    .send(route.method === 'delete' ? undefined : body);
}

async function auditOf(operator: string): Promise<AuditPage['entries']> {
  const answer = await request(admin.app)
    .get(`/api/audit?operator=${operator}&limit=500`)
    .set('Authorization', `Bearer ${TOKEN}`);
  expect(answer.status).toBe(200);
  return AuditPage.parse(answer.body).entries;
}

const whoami = async (token: string): Promise<WhoAmI> =>
  WhoAmI.parse((await request(admin.app).get('/api/me').set('Authorization', `Bearer ${token}`)).body);

describe('operators and roles', () => {
  const tokens: Partial<Record<OperatorRole, string>> = {};

  beforeAll(async () => {
    tokens.read = await createOperator(admin, 'rita-read', 'read');
    tokens.operate = await createOperator(admin, 'otto-operate', 'operate');
    tokens.admin = await createOperator(admin, 'ada-admin', 'admin');
  });

  it('finds the write routes in the router', () => {
    const found = writeRoutes().map((route) => `${route.method} ${route.path}`);
    expect(found.sort()).toEqual(Object.keys(CALLS).sort());
  });

  it('knows each operator by its own token, with its role', async () => {
    expect(await whoami(tokens.read!)).toEqual({ operator: 'rita-read', role: 'read', via: 'token' });
    expect(await whoami(tokens.operate!)).toEqual({
      operator: 'otto-operate',
      role: 'operate',
      via: 'token',
    });
    expect(await whoami(TOKEN)).toEqual({ operator: 'admin', role: 'admin', via: 'token' });
    const listed = await request(admin.app).get('/api/operators').set('Authorization', `Bearer ${TOKEN}`);
    expect(JSON.stringify(listed.body)).not.toContain(tokens.read!);
    expect(listed.body).toMatchObject({
      operators: [{ name: 'ada-admin' }, { name: 'otto-operate' }, { name: 'rita-read' }],
    });
  });

  it('lets a read-only operator read, and refuses it every write', async () => {
    for (const path of ['/api/stats', '/api/dead-letter', '/api/holds', '/api/audit', '/metrics']) {
      const read = await request(admin.app).get(path).set('Authorization', `Bearer ${tokens.read!}`);
      expect(read.status, path).toBe(200);
    }
    for (const route of writeRoutes()) {
      const answer = await call(route, tokens.read!, 'never-created');
      expect(answer.status, `${route.method} ${route.path}`).toBe(403);
      expect(answer.body).toEqual({ error: expect.stringMatching(/rita-read has role read/) as unknown });
    }
    const dashboardRetry = await request(admin.app)
      .put('/queues/api/queues/events/retry/failed')
      .set('Authorization', `Bearer ${tokens.read!}`);
    expect(dashboardRetry.status).toBe(403);
    expect(await auditOf('rita-read')).toEqual([]);
  });

  it('lets an operator change state, but not manage operators', async () => {
    const replay = await request(admin.app)
      .post('/api/dead-letter/access-test-missing/replay')
      .set('Authorization', `Bearer ${tokens.operate!}`);
    expect(replay.status).toBe(404);
    const create = await request(admin.app)
      .post('/api/operators')
      .set('Authorization', `Bearer ${tokens.operate!}`)
      .send({ name: 'mallory', role: 'admin' });
    expect(create.status).toBe(403);
    expect((await auditOf('otto-operate')).map((entry) => entry.action)).toEqual(['dead-letter.replay']);
  });

  it('records every write in the audit log, with the operator and the reason', async () => {
    const routes = writeRoutes();
    for (const route of routes) {
      const answer = await call(route, tokens.admin!, 'audited-operator');
      expect(answer.status, `${route.method} ${route.path}`).toBeLessThan(500);
      expect(answer.status, `${route.method} ${route.path}`).not.toBe(403);
    }
    const entries = await auditOf('ada-admin');
    const audited = routes.filter((route) => CALLS[`${route.method} ${route.path}`]?.eventLog !== true);
    expect(entries).toHaveLength(audited.length);
    for (const route of audited) {
      const action = CALLS[`${route.method} ${route.path}`]!.action;
      expect(
        entries.find((entry) => entry.action === action),
        action,
      ).toMatchObject({
        operator: 'ada-admin',
        role: 'admin',
        via: 'token',
        reason: REASON,
      });
    }
    expect(entries.find((entry) => entry.action === 'operator.revoke')).toMatchObject({
      target: 'audited-operator',
      outcome: 'revoked',
    });
    expect(entries.find((entry) => entry.action === 'dead-letter.delete')).toMatchObject({
      target: 'access-test-missing',
      outcome: 'missing',
    });
  });

  it('refuses a deletion or a release without a reason, and records nothing', async () => {
    const auth = { Authorization: `Bearer ${tokens.operate!}` };
    const before = (await auditOf('otto-operate')).length;
    expect((await request(admin.app).delete('/api/dead-letter/x').set(auth)).status).toBe(400);
    const release = await request(admin.app)
      .post('/api/entities/off-ramp/x/release')
      .set(auth)
      .send({ eventKey: 'x', action: 'skip' });
    expect(release.status).toBe(400);
    expect(await auditOf('otto-operate')).toHaveLength(before);
  });

  it('refuses a revoked token and the revoked operator’s session at once', async () => {
    const token = await createOperator(admin, 'rex-revoked', 'operate');
    const login = await request(admin.app)
      .post('/login')
      .type('form')
      .send({ operator: 'rex-revoked', token, next: '/' });
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect((await request(admin.app).get('/api/me').set('Cookie', cookie)).body).toMatchObject({
      operator: 'rex-revoked',
      via: 'session',
    });
    const revoke = await request(admin.app)
      .delete('/api/operators/rex-revoked')
      .set('Authorization', `Bearer ${TOKEN}`);
    expect(revoke.body).toEqual({ name: 'rex-revoked', revoked: true });
    expect((await request(admin.app).get('/api/stats').set('Authorization', `Bearer ${token}`)).status).toBe(
      401,
    );
    expect((await request(admin.app).get('/api/stats').set('Cookie', cookie)).status).toBe(401);
  });

  it('keeps the name "admin" for ADMIN_TOKEN and refuses a taken name', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect(
      (await request(admin.app).post('/api/operators').set(auth).send({ name: 'admin', role: 'read' }))
        .status,
    ).toBe(400);
    expect(
      (await request(admin.app).post('/api/operators').set(auth).send({ name: 'rita-read', role: 'admin' }))
        .status,
    ).toBe(409);
  });
});
