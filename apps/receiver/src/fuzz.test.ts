import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { randomInt } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seededRandom } from '@ripio-webhooks/core';
import { sha256Hex } from '@ripio-webhooks/schemas';
import { WEBHOOK_PATH } from './webhook-route.js';
import { startReceiver, type RunningReceiver } from './receiver.js';
import {
  kycBody,
  OLD_SECRET,
  SECRET,
  sign,
  silentLogger,
  testEnv,
  TestQueueSpace,
} from './receiver.test-helpers.js';

const REQUESTS = 3_000;
const CONCURRENCY = 32;
const BODY_LIMIT = 65_536;

interface FuzzCase {
  label: string;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  /** The sha256 of the bytes the server will verify, when they carry a valid signature; else undefined. */
  signedSha: string | undefined;
  /** Whether the server may drop the connection instead of answering (header overflow). */
  mayReset: boolean;
}

class CaseFactory {
  constructor(private readonly random: () => number) {}

  private int(maxExclusive: number): number {
    return Math.floor(this.random() * maxExclusive);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  private bytes(length: number): Buffer {
    const buffer = Buffer.alloc(length);
    for (let index = 0; index < length; index += 1) buffer[index] = this.int(256);
    return buffer;
  }

  private hex(length: number): string {
    return this.bytes(Math.ceil(length / 2))
      .toString('hex')
      .slice(0, length);
  }

  private contentType(): string | undefined {
    return this.pick([
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/octet-stream',
      '*/*',
      ';;;',
      undefined,
    ]);
  }

  private event(): string {
    return this.pick([
      () => kycBody(`cust-${this.hex(8)}`, `sub-${this.hex(8)}`),
      () =>
        JSON.stringify({
          eventType: 'OFF-RAMP.WITHDRAWAL.COMPLETED',
          issueDatetime: '2026-03-12T14:22:22.508Z',
          transactionObject: { transactionId: this.hex(12), status: 'COMPLETED' },
        }),
      () => JSON.stringify({ eventType: `NEW.${this.hex(6)}`, issueDatetime: 'whenever' }),
      () =>
        `{"eventType":"ACCOUNT.CLOSED","account":{"customerId":"Jos\\u00e9-${this.hex(6)}","isActive":false}}`,
    ])();
  }

  private deepJson(): string {
    const depth = 1 + this.int(12_000);
    return this.pick([
      () => `{"eventType":"KYC.COMPLETED","payload":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
      () => `{"eventType":"SUPPORT_TICKET.CREATED","x":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      () => '['.repeat(depth),
      () =>
        `{"eventType":"KYC.COMPLETED","payload":{"customerId":"c${this.hex(4)}","metadata":${'{"m":'.repeat(depth)}null${'}'.repeat(depth)}}}`,
    ])();
  }

  private protoJson(): string {
    return this.pick([
      () => `{"__proto__":{"eventType":"KYC.COMPLETED"},"x":"${this.hex(6)}"}`,
      () =>
        `{"eventType":"KYC.COMPLETED","__proto__":{"polluted":true},"payload":{"customerId":"p${this.hex(6)}"}}`,
      () => `{"constructor":{"prototype":{"polluted":true}},"eventType":"__proto__","n":"${this.hex(6)}"}`,
      () => `{"eventType":"toString","hasOwnProperty":1,"n":"${this.hex(6)}"}`,
    ])();
  }

  private base(label: string, body: Buffer): FuzzCase {
    const contentType = this.contentType();
    return {
      label,
      method: 'POST',
      path: WEBHOOK_PATH,
      headers: contentType === undefined ? {} : { 'content-type': contentType },
      body,
      signedSha: undefined,
      mayReset: false,
    };
  }

  private signedWith(label: string, body: Buffer, secret: string | undefined): FuzzCase {
    const fuzz = this.base(label, body);
    if (secret === undefined) return fuzz;
    const header = this.pick(['x-wh-signature-256', 'http-x-wh-signature-256', 'X-WH-SIGNATURE-256']);
    fuzz.headers[header] = sign(body, secret);
    if (secret === SECRET || secret === OLD_SECRET) fuzz.signedSha = sha256Hex(body);
    return fuzz;
  }

  /** Signed correctly, unsigned or signed with a wrong secret, in roughly equal parts. */
  private anySignature(label: string, body: Buffer): FuzzCase {
    const secret = this.pick([SECRET, OLD_SECRET, undefined, 'not-our-secret']);
    return this.signedWith(`${label}/${secret ?? 'unsigned'}`, body, secret);
  }

  next(): FuzzCase {
    const kind = this.int(14);
    switch (kind) {
      case 0:
        return this.anySignature('random-bytes', this.bytes(this.int(4_096)));
      case 1:
        return this.anySignature('event', Buffer.from(this.event()));
      case 2:
        return this.anySignature('deep-json', Buffer.from(this.deepJson()));
      case 3:
        return this.anySignature('proto-keys', Buffer.from(this.protoJson()));
      case 4: {
        const fuzz = this.base('garbage-signature', Buffer.from(this.event()));
        fuzz.headers['x-wh-signature-256'] = this.pick([
          `sha256=${this.hex(64)}`,
          `sha256=${'z'.repeat(64)}`,
          this.hex(this.int(80)),
          `sha512=${this.hex(128)}`,
          ' ',
          `sha256=${this.hex(64)}`.toUpperCase(),
          'x'.repeat(8_000),
        ]);
        return fuzz;
      }
      case 5: {
        // A valid signature of other bytes than those sent (bit flip, truncation, appended byte).
        const body = Buffer.from(this.event());
        const fuzz = this.base('tampered', body);
        fuzz.headers['x-wh-signature-256'] = sign(body);
        const tampered = Buffer.from(body);
        const at = this.int(tampered.length);
        tampered[at] = (tampered[at] ?? 0) ^ (1 << this.int(8));
        fuzz.body = this.pick([
          tampered,
          body.subarray(0, body.length - 1),
          Buffer.concat([body, Buffer.from(' ')]),
        ]);
        return fuzz;
      }
      case 6: {
        const fuzz = this.anySignature('huge-headers', Buffer.from(this.event()));
        if (this.random() < 0.5) {
          fuzz.headers['x-filler'] = 'h'.repeat(10_000 + this.int(60_000));
        } else {
          for (let index = 0; index < 300; index += 1) fuzz.headers[`x-filler-${index}`] = this.hex(100);
        }
        fuzz.headers['x-request-id'] = this.pick(['r'.repeat(5_000), 'ok-id', '\u00e9\u00e9', '../../etc']);
        fuzz.mayReset = true;
        return fuzz;
      }
      case 7: {
        // The signature covers the decoded bytes; a broken or unknown encoding is a 4xx.
        const body = Buffer.from(this.event());
        const encoding = this.pick(['gzip', 'gzip-garbage', 'br', 'x-custom']);
        const sent = encoding === 'gzip' ? gzipSync(body) : this.bytes(64);
        const fuzz = this.base(`encoding-${encoding}`, sent);
        fuzz.headers['content-encoding'] = encoding === 'gzip-garbage' ? 'gzip' : encoding;
        fuzz.headers['x-wh-signature-256'] = sign(body);
        if (encoding === 'gzip') fuzz.signedSha = sha256Hex(body);
        return fuzz;
      }
      case 8:
        return this.anySignature('over-limit', Buffer.alloc(BODY_LIMIT + 1 + this.int(10_000), 'a'));
      case 9: {
        const fuzz = this.anySignature('wrong-method', Buffer.from(this.event()));
        fuzz.method = this.pick(['PUT', 'PATCH', 'DELETE', 'GET', 'OPTIONS']);
        fuzz.signedSha = undefined;
        if (fuzz.method === 'GET') fuzz.body = Buffer.alloc(0);
        return fuzz;
      }
      case 10: {
        const fuzz = this.anySignature('wrong-path', Buffer.from(this.event()));
        fuzz.path = this.pick([
          '/webhooks/ripio/',
          '/webhooks/RIPIO',
          '/webhooks',
          '/%E0%A4%A',
          `/x/${this.hex(20)}`,
        ]);
        fuzz.signedSha = undefined;
        return fuzz;
      }
      case 11: {
        const fuzz = this.base('duplicate-signature-headers', Buffer.from(this.event()));
        fuzz.headers['x-wh-signature-256'] = [sign(fuzz.body, 'wrong'), sign(fuzz.body)];
        return fuzz;
      }
      case 12: {
        // Bytes that are not UTF-8 inside a JSON envelope, correctly signed.
        const body = Buffer.concat([
          Buffer.from('{"eventType":"KYC.COMPLETED","n":"'),
          this.bytes(16),
          Buffer.from('"}'),
        ]);
        return this.signedWith('invalid-utf8', body, SECRET);
      }
      default:
        return this.anySignature('empty', Buffer.alloc(0));
    }
  }
}

interface Outcome {
  fuzz: FuzzCase;
  status: number | undefined;
  retryAfter: string | undefined;
  body: string;
  error: string | undefined;
}

function send(url: URL, fuzz: FuzzCase, agent: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: OutgoingHttpHeaders = { ...fuzz.headers, 'content-length': String(fuzz.body.length) };
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: fuzz.path,
        method: fuzz.method,
        headers,
        agent: fuzz.mayReset ? false : agent,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            fuzz,
            status: response.statusCode,
            retryAfter: response.headers['retry-after'],
            body: Buffer.concat(chunks).toString('utf8'),
            error: undefined,
          }),
        );
        response.on('error', (error) =>
          resolve({
            fuzz,
            status: response.statusCode,
            retryAfter: undefined,
            body: '',
            error: error.message,
          }),
        );
      },
    );
    req.on('error', (error) =>
      resolve({ fuzz, status: undefined, retryAfter: undefined, body: '', error: error.message }),
    );
    req.end(fuzz.body);
  });
}

describe('fuzz: random and malformed requests against a listening receiver', () => {
  const redisUrl = inject('redisUrl');
  const seed = randomInt(2 ** 31);
  let space: TestQueueSpace;
  let receiver: RunningReceiver;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  beforeAll(async () => {
    space = new TestQueueSpace(redisUrl);
    receiver = await startReceiver(
      testEnv({ REDIS_URL: redisUrl, QUEUE_PREFIX: space.prefix, BODY_LIMIT: String(BODY_LIMIT) }),
      { logger: silentLogger, defaultMetrics: false },
    );
  });

  afterAll(async () => {
    agent.destroy();
    await receiver.shutdown();
    await space.cleanup();
  });

  it(`answers ${REQUESTS} requests without a 5xx other than 503 and never queues an unsigned event`, async () => {
    console.log(`[fuzz] seed ${seed}`);
    const factory = new CaseFactory(seededRandom(seed));
    const cases = Array.from({ length: REQUESTS }, () => factory.next());
    const url = new URL(receiver.url);
    const outcomes: Outcome[] = [];
    let nextIndex = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextIndex < cases.length) {
          const fuzz = cases[nextIndex] as FuzzCase;
          nextIndex += 1;
          outcomes.push(await send(url, fuzz, agent));
        }
      }),
    );
    expect(outcomes).toHaveLength(REQUESTS);

    const describeOutcome = (o: Outcome): string =>
      `${o.fuzz.label} ${o.fuzz.method} ${o.fuzz.path} -> ${String(o.status)} ${o.error ?? ''} ${o.body.slice(0, 200)} (seed ${seed})`;

    // Every request was answered (a header overflow may instead drop the connection), and no 5xx but 503.
    const unanswered = outcomes.filter((o) => o.status === undefined && !o.fuzz.mayReset);
    expect(unanswered.map(describeOutcome)).toEqual([]);
    const serverErrors = outcomes.filter(
      (o) => o.status !== undefined && o.status >= 500 && o.status !== 503,
    );
    expect(serverErrors.map(describeOutcome)).toEqual([]);
    for (const unavailable of outcomes.filter((o) => o.status === 503)) {
      expect(unavailable.retryAfter).toBeDefined();
    }
    // No answer carries a stack trace.
    expect(outcomes.filter((o) => /\n\s+at /.test(o.body)).map(describeOutcome)).toEqual([]);

    // A 202 only ever answers a correctly signed request...
    const accepted = outcomes.filter((o) => o.status === 202);
    expect(accepted.filter((o) => o.fuzz.signedSha === undefined).map(describeOutcome)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(100);

    // ...and the queue holds exactly the events those 202s named, each one a body that was correctly signed.
    const signedShas = new Set(
      outcomes.flatMap((o) => (o.fuzz.signedSha === undefined ? [] : [o.fuzz.signedSha])),
    );
    const jobs = await space.jobs();
    expect(jobs.filter((job) => !signedShas.has(job.bodySha256)).map((job) => job.eventKey)).toEqual([]);
    const acceptedKeys = new Set(accepted.map((o) => (JSON.parse(o.body) as { eventKey: string }).eventKey));
    expect(new Set(jobs.map((job) => job.eventKey))).toEqual(acceptedKeys);

    // Still up and answering.
    const health = await fetch(`${receiver.url}/healthz`);
    expect(health.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const byStatus = new Map<string, number>();
    for (const o of outcomes) {
      byStatus.set(String(o.status ?? o.error), (byStatus.get(String(o.status ?? o.error)) ?? 0) + 1);
    }
    console.log(`[fuzz] answers by status: ${JSON.stringify(Object.fromEntries(byStatus))}`);
  });
});
