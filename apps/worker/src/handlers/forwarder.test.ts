import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEvent, sampleEvent } from '@ripio-webhooks/schemas';
import { TEST_FORWARD_SECRET } from '@ripio-webhooks/test-support';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ForwardFailedError } from '../errors/forward-failed-error.js';
import { createForwarder } from './forwarder.js';
import { signingKeyOf } from './standard-webhooks.js';

const parsed = parseEvent(
  sampleEvent('KYC.COMPLETED', { entityId: 'cust-1', issueDatetime: '2026-03-01T10:00:00Z' }),
);
if (!parsed.ok) throw new Error('fixture does not parse');
const EVENT_KEY = 'kyc|cust-1|KYC.COMPLETED';
const context = {
  event: parsed.event,
  eventKey: EVENT_KEY,
  outcome: 'applied' as const,
  before: undefined,
  after: {
    kind: 'kyc' as const,
    id: 'cust-1',
    status: 'COMPLETED',
    fields: {},
    version: 1,
    createdAt: 'x',
    updatedAt: 'x',
  },
  receivedAt: 'x',
  attempt: 1,
  history: [],
  signal: new AbortController().signal,
  redrive: false,
};

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/**
 * The operator's receiving service on loopback, verifying as its docs tell it to: the exact body bytes and the
 * three Standard Webhooks headers through `standardwebhooks`. It answers 204 to a verified forward, else 401.
 */
function receivingService(secret: string) {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
      );
      deliveries.push({ body, headers });
      try {
        new Webhook(secret).verify(body, headers);
        response.writeHead(204).end();
      } catch {
        response.writeHead(401).end();
      }
    });
  });
  return {
    deliveries,
    server,
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ripio-events`;
    },
  };
}

describe('the forwarder signs per Standard Webhooks', () => {
  let service: ReturnType<typeof receivingService>;
  let url: string;
  beforeEach(async () => {
    service = receivingService(TEST_FORWARD_SECRET);
    url = await service.start();
  });
  afterEach(() => {
    vi.useRealTimers();
    service.server.closeAllConnections();
    service.server.close();
  });

  it('a forward verifies with standardwebhooks; webhook-id is the event key', async () => {
    const forward = createForwarder({ url, secret: TEST_FORWARD_SECRET, timeoutMs: 5_000 });
    await forward(context);
    const [delivery] = service.deliveries;
    if (delivery === undefined) throw new Error('nothing delivered');
    const payload = new Webhook(TEST_FORWARD_SECRET).verify(delivery.body, delivery.headers);
    expect(payload).toMatchObject({ eventKey: EVENT_KEY, eventType: 'KYC.COMPLETED', to: 'COMPLETED' });
    expect(delivery.headers['webhook-id']).toBe(EVENT_KEY);
    expect(Number(delivery.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(delivery.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(delivery.headers['content-type']).toBe('application/json');
    // The former custom signature headers are gone.
    expect(Object.keys(delivery.headers).filter((name) => name.startsWith('x-ripio'))).toEqual([]);
  });

  it('a captured forward replayed after the tolerance (5 minutes) is refused by the receiving side', async () => {
    const forward = createForwarder({ url, secret: TEST_FORWARD_SECRET, timeoutMs: 5_000 });
    await forward(context);
    const captured = service.deliveries[0];
    if (captured === undefined) throw new Error('nothing delivered');
    const replay = (): Promise<Response> =>
      fetch(url, { method: 'POST', headers: captured.headers, body: captured.body });
    // Replayed at once, the copy still verifies (the id lets the service drop it as a duplicate)...
    expect((await replay()).status).toBe(204);
    // ...six minutes later it does not: the library refuses the old timestamp.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60_000 });
    expect((await replay()).status).toBe(401);
    expect(() => new Webhook(TEST_FORWARD_SECRET).verify(captured.body, captured.headers)).toThrow(
      new WebhookVerificationError('Message timestamp too old'),
    );
  });

  it('signs each attempt afresh: a retry keeps webhook-id and carries its own timestamp', async () => {
    const firstAttempt = new Date(Date.now() - 4 * 60_000);
    const secondAttempt = new Date();
    let clock = firstAttempt;
    const forward = createForwarder({ url, secret: TEST_FORWARD_SECRET, timeoutMs: 5_000, now: () => clock });
    await forward(context);
    clock = secondAttempt;
    await forward({ ...context, attempt: 2 });
    const [first, second] = service.deliveries;
    if (first === undefined || second === undefined) throw new Error('two deliveries expected');
    expect([first.headers['webhook-id'], second.headers['webhook-id']]).toEqual([EVENT_KEY, EVENT_KEY]);
    expect([first.headers['webhook-timestamp'], second.headers['webhook-timestamp']]).toEqual([
      String(Math.floor(firstAttempt.getTime() / 1000)),
      String(Math.floor(secondAttempt.getTime() / 1000)),
    ]);
    // Three minutes later the first copy is past the tolerance, the retry is not.
    vi.useFakeTimers({ toFake: ['Date'], now: secondAttempt.getTime() + 3 * 60_000 });
    const verifier = new Webhook(TEST_FORWARD_SECRET);
    expect(() => verifier.verify(first.body, first.headers)).toThrow('too old');
    expect(verifier.verify(second.body, second.headers)).toMatchObject({ eventKey: EVENT_KEY });
  });

  it('a receiving service with another secret, or a changed body, refuses it', async () => {
    const forward = createForwarder({ url, secret: TEST_FORWARD_SECRET, timeoutMs: 5_000 });
    await forward(context);
    const delivery = service.deliveries[0];
    if (delivery === undefined) throw new Error('nothing delivered');
    const other = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(() => new Webhook(other).verify(delivery.body, delivery.headers)).toThrow('No matching signature');
    const changed = delivery.body.replace('"COMPLETED"', '"FAILED"');
    expect(() => new Webhook(TEST_FORWARD_SECRET).verify(changed, delivery.headers)).toThrow(
      'No matching signature',
    );
  });

  it('treats the service’s 401 as unrecoverable and a 503 as a retry', async () => {
    const wrong = createForwarder({
      url,
      secret: `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
      timeoutMs: 5_000,
    });
    await expect(wrong(context)).rejects.toThrow(/answered 401/);
    service.server.removeAllListeners('request');
    service.server.on('request', (request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(503).end());
    });
    await expect(wrong(context)).rejects.toBeInstanceOf(ForwardFailedError);
  });
});

describe('signingKeyOf', () => {
  it('decodes a whsec_ secret to its key bytes', () => {
    const key = Buffer.alloc(32, 3);
    expect(signingKeyOf(`whsec_${key.toString('base64')}`)).toEqual({ ok: true, key });
  });

  it.each([
    ['no prefix', Buffer.alloc(32, 1).toString('base64'), 'must start with "whsec_"'],
    ['not base64', 'whsec_!!!!', 'standard base64'],
    ['too short', `whsec_${Buffer.alloc(23, 1).toString('base64')}`, 'not 23'],
    ['too long', `whsec_${Buffer.alloc(65, 1).toString('base64')}`, 'not 65'],
  ])('refuses %s', (_, secret, problem) => {
    const result = signingKeyOf(secret);
    expect(result.ok === false && result.problem).toContain(problem);
  });
});
