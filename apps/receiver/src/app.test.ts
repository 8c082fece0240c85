import { createHmac } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { checkIntakeProof } from '@ripio-webhooks/core';
import { rawEventKey, sha256Hex } from '@ripio-webhooks/schemas';
import { WEBHOOK_PATH } from './webhook-route.js';
import type { WiredReceiver } from './receiver.js';
import { createMetricsApp } from './metrics-app.js';
import {
  counterValue,
  INTAKE_PROOF_KEY,
  inProcessReceiver,
  kycBody,
  OLD_SECRET,
  SECRET,
  sign,
  TestQueueSpace,
} from './receiver.test-helpers.js';

const redisUrl = inject('redisUrl');

let space: TestQueueSpace;
let receiver: WiredReceiver;

async function start(overrides: Record<string, string> = {}): Promise<void> {
  receiver = await inProcessReceiver(redisUrl, space.prefix, overrides);
}

beforeEach(async () => {
  space = new TestQueueSpace(redisUrl);
  await start();
});

afterEach(async () => {
  await receiver.close();
  await space.cleanup();
});

function post(
  body: string | Buffer,
  headers: Record<string, string> = {},
  path = WEBHOOK_PATH,
): request.Test {
  let test = request(receiver.app).post(path).set('content-type', 'application/json');
  for (const [name, value] of Object.entries(headers)) test = test.set(name, value);
  return test.send(body);
}

async function expectNothingEnqueued(): Promise<void> {
  expect(await space.jobCount()).toBe(0);
  expect(await space.jobHashKeys()).toEqual([]);
}

describe('202 accepted / duplicate', () => {
  it('answers accepted once the job is in Redis, with job id = event key and the job data', async () => {
    const body = kycBody('cust-7', 'sub-7');
    const response = await post(body, { 'x-wh-signature-256': sign(body), 'x-request-id': 'ripio-req-7' });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ status: 'accepted', eventKey: 'kyc|cust-7|KYC.COMPLETED|sub-7' });
    expect(response.headers['x-request-id']).toBe('ripio-req-7');

    const job = await space.queue.getJob('kyc|cust-7|KYC.COMPLETED|sub-7');
    expect(job?.name).toBe('KYC.COMPLETED');
    expect(job?.data).toMatchObject({
      rawBody: body,
      bodySha256: sha256Hex(body),
      eventKey: 'kyc|cust-7|KYC.COMPLETED|sub-7',
      requestId: 'ripio-req-7',
      eventType: 'KYC.COMPLETED',
    });
    expect(Date.parse(job?.data.receivedAt ?? '')).not.toBeNaN();
    // The job carries the proof a worker checks first: Ripio's header as sent, and the receiver's MAC.
    expect(job?.data.proof.ripioSignature).toEqual({ header: 'x-wh-signature-256', value: sign(body) });
    expect(checkIntakeProof(job?.data, { proofKeys: [INTAKE_PROOF_KEY], ripioSecrets: [] })).toEqual({
      outcome: 'valid',
      by: 'receiver_mac',
      keyIndex: 0,
    });
    expect(job?.opts.attempts).toBeGreaterThan(1);
    expect(job?.opts.backoff).toEqual({ type: 'ripio' });
  });

  it('answers duplicate to the same body twice and keeps one job with the first data', async () => {
    const body = kycBody('cust-8', 'sub-8');
    const first = await post(body, { 'x-wh-signature-256': sign(body), 'x-request-id': 'first' });
    const second = await post(body, { 'x-wh-signature-256': sign(body), 'x-request-id': 'second' });
    expect(first.body).toEqual({ status: 'accepted', eventKey: 'kyc|cust-8|KYC.COMPLETED|sub-8' });
    expect(second.status).toBe(202);
    expect(second.body).toEqual({ status: 'duplicate', eventKey: 'kyc|cust-8|KYC.COMPLETED|sub-8' });
    const jobs = await space.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.requestId).toBe('first');
    expect(
      await counterValue(receiver.metrics, 'ripio_intake_requests_total', { outcome: 'duplicate' }),
    ).toBe(1);
    expect(
      await counterValue(receiver.metrics, 'ripio_intake_events_total', { event_type: 'KYC.COMPLETED' }),
    ).toBe(1);
  });

  it.each([
    ['X-Wh-Signature-256 with prefix', (body: string) => ({ 'X-Wh-Signature-256': sign(body) })],
    ['Http-X-Wh-Signature-256', (body: string) => ({ 'Http-X-Wh-Signature-256': sign(body) })],
    ['no sha256= prefix', (body: string) => ({ 'x-wh-signature-256': sign(body).slice('sha256='.length) })],
    ['a rotated (previous) secret', (body: string) => ({ 'x-wh-signature-256': sign(body, OLD_SECRET) })],
  ])('accepts a signature sent as %s', async (_label, headersOf) => {
    const body = kycBody('cust-variant');
    const response = await post(body, headersOf(body));
    expect(response.status).toBe(202);
    expect(await space.jobCount()).toBe(1);
  });

  it('accepts the exact bytes of a body with escaped non-ASCII characters', async () => {
    const body =
      '{"eventType":"ACCOUNT.CLOSED","issueDatetime":"2026-05-19T14:30:00.000Z","account":{"customerId":"Jos\\u00e9-\\u4e2d","isActive":false}}';
    const response = await post(body, { 'x-wh-signature-256': sign(body) });
    expect(response.body).toEqual({
      status: 'accepted',
      eventKey: 'account|Jos%C3%A9-%E4%B8%AD|ACCOUNT.CLOSED',
    });
    const [job] = await space.jobs();
    expect(job?.rawBody).toBe(body);
  });

  it('accepts and queues a signed event of an unknown type (the worker decides)', async () => {
    const body = '{"eventType":"FUTURE.THING","issueDatetime":"2026-05-19T14:30:00.000Z"}';
    const response = await post(body, { 'x-wh-signature-256': sign(body) });
    expect(response.body).toEqual({ status: 'accepted', eventKey: rawEventKey(body) });
    const job = await space.queue.getJob(rawEventKey(body));
    expect(job?.name).toBe('unknown');
    expect(await counterValue(receiver.metrics, 'ripio_intake_events_total', { event_type: 'unknown' })).toBe(
      1,
    );
  });

  it('accepts whatever Content-Type is announced: the signature covers the bytes', async () => {
    const body = kycBody('cust-text');
    const response = await request(receiver.app)
      .post(WEBHOOK_PATH)
      .set('content-type', 'text/plain')
      .set('x-wh-signature-256', sign(body))
      .send(body);
    expect(response.status).toBe(202);
  });
});

describe('401 bad signature: nothing is enqueued', () => {
  const body = kycBody('cust-401');
  const hex = createHmac('sha256', SECRET).update(body).digest('hex');

  it.each([
    ['missing', {}, 'missing'],
    ['made with a wrong secret', { 'x-wh-signature-256': sign(body, 'wrong') }, 'mismatch'],
    ['truncated', { 'x-wh-signature-256': `sha256=${hex.slice(0, 63)}` }, 'malformed'],
    ['empty', { 'x-wh-signature-256': '' }, 'missing'],
    ['of another body', { 'x-wh-signature-256': sign(`${body} `) }, 'mismatch'],
  ])('refuses a signature that is %s', async (_label, headers: Record<string, string>, reason) => {
    const response = await post(body, headers);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ status: 'bad_signature', error: 'missing or invalid signature' });
    await expectNothingEnqueued();
    expect(await counterValue(receiver.metrics, 'ripio_signature_failures_total', { reason })).toBe(1);
  });

  it('refuses an empty unsigned body', async () => {
    const response = await request(receiver.app).post(WEBHOOK_PATH);
    expect(response.status).toBe(401);
    await expectNothingEnqueued();
  });
});

describe('400 bad request: signed, but not an event envelope', () => {
  it.each([
    ['an empty body', ''],
    ['not JSON', 'eventType=KYC.COMPLETED'],
    ['a JSON array', '[]'],
    ['an object without eventType', '{"issueDatetime":"2026-05-19T14:30:00.000Z"}'],
    ['an object whose eventType is not a string', '{"eventType":{"name":"KYC.COMPLETED"}}'],
  ])('refuses %s', async (_label, body) => {
    const response = await post(body, { 'x-wh-signature-256': sign(body) });
    expect(response.status).toBe(400);
    expect((response.body as { status: string }).status).toBe('bad_request');
    await expectNothingEnqueued();
  });

  it('refuses an event older than MAX_EVENT_AGE_SECONDS when the check is on', async () => {
    await receiver.close();
    await start({ MAX_EVENT_AGE_SECONDS: '60' });
    const body = kycBody('cust-old'); // issued in March 2026
    const response = await post(body, { 'x-wh-signature-256': sign(body) });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      status: 'bad_request',
      eventKey: 'kyc|cust-old|KYC.COMPLETED|sub-1',
      error: 'issueDatetime is older than MAX_EVENT_AGE_SECONDS allows',
    });
    await expectNothingEnqueued();
  });

  it('answers a body in an unsupported Content-Encoding with a 4xx and enqueues nothing', async () => {
    const body = kycBody('cust-enc');
    const response = await post(body, { 'x-wh-signature-256': sign(body), 'content-encoding': 'x-unknown' });
    expect(response.status).toBe(415);
    expect((response.body as { status: string }).status).toBe('bad_request');
    await expectNothingEnqueued();
  });
});

describe('413 too large', () => {
  it('refuses a body over BODY_LIMIT, signed or not, and enqueues nothing', async () => {
    await receiver.close();
    await start({ BODY_LIMIT: '1024' });
    const body = JSON.stringify({ eventType: 'KYC.COMPLETED', padding: 'x'.repeat(2_000) });
    const response = await post(body, { 'x-wh-signature-256': sign(body) });
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ status: 'too_large', error: 'the body is over 1024 bytes' });
    await expectNothingEnqueued();
    expect(
      await counterValue(receiver.metrics, 'ripio_intake_requests_total', { outcome: 'too_large' }),
    ).toBe(1);
  });
});

describe('503 back-pressure', () => {
  it('answers 503 with Retry-After once the waiting backlog passes BACKLOG_LIMIT', async () => {
    await receiver.close();
    await start({ BACKLOG_LIMIT: '2', RETRY_AFTER_SECONDS: '7' });
    // The waiting count is cached and refreshed in the background at most once a second, so the limit is
    // noticed within about a second of being passed: send events until it is (bounded).
    let response: request.Response | undefined;
    for (let index = 0; index < 200; index += 1) {
      const body = kycBody(`cust-bp-${index}`);
      response = await post(body, { 'x-wh-signature-256': sign(body) });
      if (response.status !== 202) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(response?.status).toBe(503);
    expect(response?.headers['retry-after']).toBe('7');
    expect((response?.body as { status: string } | undefined)?.status).toBe('unavailable');
    expect(
      await counterValue(receiver.metrics, 'ripio_enqueue_errors_total', { reason: 'backpressure' }),
    ).toBe(1);
  });
});

describe('the other routes', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await request(receiver.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(receiver.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('/readyz answers 503 while draining', async () => {
    receiver.beginDrain();
    const ready = await request(receiver.app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'draining' });
  });

  it('exposes the intake metrics in the Prometheus text format on the metrics listener only', async () => {
    const body = kycBody('cust-metrics');
    await post(body, { 'x-wh-signature-256': sign(body) });
    // The webhook port faces the internet: no /metrics there.
    expect((await request(receiver.app).get('/metrics')).status).toBe(404);
    const response = await request(createMetricsApp(receiver.metrics)).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.text).toContain('ripio_intake_requests_total{outcome="accepted"} 1');
    expect(response.text).toContain(
      'ripio_intake_ack_duration_seconds_bucket{le="0.001",outcome="accepted"}',
    );
    expect(response.text).toContain('ripio_intake_events_total{event_type="KYC.COMPLETED"} 1');
    expect(response.text).toContain('ripio_signature_failures_total{reason="mismatch"} 0');
    expect(response.text).toContain('ripio_enqueue_errors_total{reason="timeout"} 0');
  });

  it('answers unknown paths 404 and wrong methods 405, in JSON, without x-powered-by', async () => {
    const missing = await request(receiver.app).get('/webhooks/other');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ status: 'not_found' });
    expect(missing.headers['x-powered-by']).toBeUndefined();

    const wrongMethod = await request(receiver.app).get(WEBHOOK_PATH);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    expect(wrongMethod.body).toEqual({ status: 'method_not_allowed', allow: 'POST' });

    for (const spelling of ['/webhooks/ripio/', '/Webhooks/Ripio']) {
      const body = kycBody('cust-spelling');
      const response = await post(body, { 'x-wh-signature-256': sign(body) }, spelling);
      expect(response.status).toBe(404);
    }
    await expectNothingEnqueued();

    const postHealth = await request(receiver.app).post('/healthz');
    expect(postHealth.status).toBe(405);
  });

  it('answers a malformed URL with a JSON 4xx that carries no stack trace', async () => {
    const response = await request(receiver.app).get('/%E0%A4%A');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.text).not.toMatch(/at .*\.js/);
    expect(response.headers['content-type']).toContain('application/json');
  });
});
