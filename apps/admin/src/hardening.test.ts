import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import {
  createOperator,
  startAdmin,
  TOKEN,
  type AdminHarness,
  type AdminOptions,
} from './admin.test-helpers.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('hardening');
/** Recovery waits for a 1-second block to end: polled, never timed. */
const RECOVERY = { timeout: 15_000, interval: 200 };

let cleanup: Redis;
const harnesses: AdminHarness[] = [];

async function adminWith(name: string, options: AdminOptions): Promise<AdminHarness> {
  const admin = startAdmin(redisUrl, `${prefix}-${name}`, options);
  harnesses.push(admin);
  await admin.ready();
  return admin;
}

beforeAll(() => {
  cleanup = new Redis(redisUrl);
});

afterAll(async () => {
  await Promise.all(harnesses.map((admin) => admin.close()));
  if (cleanup !== undefined) {
    await deleteKeysContaining(cleanup, prefix);
    cleanup.disconnect();
  }
});

/** A sign-in from `address` (the proxy's X-Forwarded-For, believed from loopback with TRUST_PROXY=loopback). */
function signIn(admin: AdminHarness, address: string, operator: string, token: string) {
  return request(admin.app)
    .post('/login')
    .set('X-Forwarded-For', address)
    .type('form')
    .send({ operator, token, next: '/' });
}

describe('login throttling', () => {
  it('blocks an operator name after its failures, from any address, and recovers once the block ends', async () => {
    const admin = await adminWith('per-operator', {
      trustProxy: ['loopback'],
      access: { LOGIN_MAX_FAILURES_PER_OPERATOR: 3, LOGIN_THROTTLE_SECONDS: 1 },
    });
    const ana = await createOperator(admin, 'ana', 'operate');
    const bob = await createOperator(admin, 'bob', 'read');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await signIn(admin, '10.0.0.1', 'ana', 'wrong')).status).toBe(401);
    }
    const blocked = await signIn(admin, '10.0.0.2', 'ana', ana);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(blocked.headers['set-cookie']).toBeUndefined();
    // Another operator from the same address is not affected.
    expect((await signIn(admin, '10.0.0.1', 'bob', bob)).status).toBe(303);
    await expect.poll(async () => (await signIn(admin, '10.0.0.2', 'ana', ana)).status, RECOVERY).toBe(303);
  });

  it('blocks an address after its failures (sign-ins and API tokens alike), other addresses go on', async () => {
    const admin = await adminWith('per-address', {
      trustProxy: ['loopback'],
      access: { LOGIN_MAX_FAILURES_PER_ADDRESS: 3, LOGIN_THROTTLE_SECONDS: 1 },
    });
    expect((await signIn(admin, '10.0.0.7', 'x1', 'wrong')).status).toBe(401);
    expect((await signIn(admin, '10.0.0.7', 'x2', 'wrong')).status).toBe(401);
    const badToken = await request(admin.app)
      .get('/api/stats')
      .set('X-Forwarded-For', '10.0.0.7')
      .set('Authorization', 'Bearer guessed-token');
    expect(badToken.status).toBe(401);
    expect((await signIn(admin, '10.0.0.7', 'admin', TOKEN)).status).toBe(429);
    const api = await request(admin.app)
      .get('/api/stats')
      .set('X-Forwarded-For', '10.0.0.7')
      .set('Authorization', `Bearer ${TOKEN}`);
    expect(api.status).toBe(429);
    expect((await signIn(admin, '10.0.0.8', 'admin', TOKEN)).status).toBe(303);
    await expect
      .poll(async () => (await signIn(admin, '10.0.0.7', 'admin', TOKEN)).status, RECOVERY)
      .toBe(303);
  });
});

describe('behind a proxy', () => {
  it('sets the session cookie Secure when the proxy says the request came over TLS (TRUST_PROXY)', async () => {
    const admin = await adminWith('trust', { trustProxy: ['loopback'] });
    const login = await signIn(admin, '10.0.0.9', 'admin', TOKEN).set('X-Forwarded-Proto', 'https');
    expect(login.status).toBe(303);
    expect(String(login.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('believes the identity header only from the configured proxy addresses, and only for an operator', async () => {
    const trusted = await adminWith('proxy', {
      access: { TRUSTED_PROXY_IDENTITY_HEADER: 'X-Forwarded-User', TRUSTED_PROXY_ADDRESSES: ['loopback'] },
    });
    await createOperator(trusted, 'paula@example.com', 'read');
    const me = await request(trusted.app).get('/api/me').set('X-Forwarded-User', 'paula@example.com');
    expect(me.body).toEqual({ operator: 'paula@example.com', role: 'read', via: 'proxy' });
    const stranger = await request(trusted.app).get('/api/me').set('X-Forwarded-User', 'eve@example.com');
    expect(stranger.status).toBe(403);
    const bootstrap = await request(trusted.app).get('/api/me').set('X-Forwarded-User', 'admin');
    expect(bootstrap.status).toBe(403);
    // A browser write through the proxy gets the CSRF lock, like a cookie.
    const crossSite = await request(trusted.app)
      .post('/api/dead-letter/x/replay')
      .set('X-Forwarded-User', 'paula@example.com')
      .set('Origin', 'https://evil.example');
    expect(crossSite.status).toBe(403);

    const elsewhere = await adminWith('proxy-elsewhere', {
      access: { TRUSTED_PROXY_IDENTITY_HEADER: 'X-Forwarded-User', TRUSTED_PROXY_ADDRESSES: ['10.9.9.9'] },
    });
    await createOperator(elsewhere, 'paula@example.com', 'read');
    const spoofed = await request(elsewhere.app)
      .get('/api/me')
      .set('Accept', 'application/json')
      .set('X-Forwarded-User', 'paula@example.com');
    expect(spoofed.status).toBe(401);
  });
});

describe('security headers (helmet)', () => {
  it('sends a strict CSP on the console and the login form, a looser one on the queue dashboard only', async () => {
    const admin = await adminWith('headers', {});
    const auth = { Authorization: `Bearer ${TOKEN}` };
    for (const path of ['/', '/login', '/console/console.js', '/api/stats']) {
      const answer = await request(admin.app).get(path).set(auth);
      const csp = String(answer.headers['content-security-policy']);
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("script-src 'self';");
      expect(csp, path).toContain("style-src 'self';");
      expect(csp, path).not.toContain('unsafe');
      expect(answer.headers['strict-transport-security'], path).toMatch(/max-age=31536000/);
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      expect(answer.headers['referrer-policy'], path).toBe('no-referrer');
      expect(answer.headers['cache-control'], path).toBe('no-store');
    }
    const dashboard = await request(admin.app).get('/queues/').set(auth);
    const csp = String(dashboard.headers['content-security-policy']);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("script-src 'self';");
  });
});
