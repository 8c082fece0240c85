import { randomBytes } from 'node:crypto';
import { signRipioBody } from '@ripio-webhooks/core';
import { sampleEvent, toRipioJson, type WireEventName } from '@ripio-webhooks/schemas';
import { describe, expect, it } from 'vitest';
import { residentBytes, scriptSocket, sendRaw, type RawOutcome } from '../harness/raw-http.js';
import { assertPromiseKept, ISSUED_AT, planFor, scaled, useStack } from '../harness/scenario.js';
import { sendDeliveries } from '../harness/sender.js';
import { LEDGER_PREFIX, type Stack } from '../harness/stack.js';
import { eventKeyOfBody, outcomeOfRecord, readLedger, verifyScenario } from '../harness/verify.js';

const ISSUED = ISSUED_AT;
const MIB = 1024 * 1024;

function eventBody(eventType: WireEventName, entityId: string): string {
  return toRipioJson(sampleEvent(eventType, { entityId, issueDatetime: ISSUED }));
}

/** Runs `count` tasks with at most `limit` at once and collects their outcomes. */
async function runBounded(
  count: number,
  limit: number,
  task: (index: number) => Promise<RawOutcome>,
): Promise<RawOutcome[]> {
  const outcomes: RawOutcome[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= count) return;
      outcomes.push(await task(index));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, () => lane()));
  return outcomes;
}

function tally(outcomes: readonly RawOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const label = outcome.kind === 'status' ? String(outcome.status) : outcome.kind;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/** Every hostile batch, each with its name so a failure says which one misbehaved. */
type BatchName =
  | 'badSignatures'
  | 'truncatedBodies'
  | 'signedTruncatedJson'
  | 'giantHeaders'
  | 'manyHeaders'
  | 'slowHeaders'
  | 'slowBodies'
  | 'deepJson'
  | 'hugeJson'
  | 'invalidUtf8'
  | 'otherRoutes';

interface HostileResult {
  batches: Record<BatchName, RawOutcome[]>;
  /** Correctly signed hostile events (deep JSON, invalid UTF-8) with their entity and answer. */
  signedEvents: { body: string; kind: string; id: string; outcome: RawOutcome }[];
}

async function hostileBatches(s: Stack): Promise<HostileResult> {
  const url = s.webhookUrl;
  const port = s.receiver.port;
  const post = (body: Buffer | string, headers: Record<string, string> = {}) =>
    sendRaw({ url, body, headers: { 'content-type': 'application/json', ...headers } });
  const signed = (body: Buffer | string) =>
    post(body, { 'x-wh-signature-256': signRipioBody(body, s.secret) });
  const unsignedBody = (index: number) => eventBody('OFF-RAMP.DEPOSIT.RECEIVED', `hostile-unsigned-${index}`);

  const badSignatures = await runBounded(scaled(2_000), 32, (index) => {
    const body = unsignedBody(index);
    switch (index % 6) {
      case 0:
        return post(body, { 'x-wh-signature-256': signRipioBody(body, 'not-the-secret') });
      case 1:
        return post(body);
      case 2:
        return post(body, { 'x-wh-signature-256': 'sha256=zz' });
      case 3:
        return post(body, { 'http-x-wh-signature-256': signRipioBody(`${body} `, s.secret) });
      case 4:
        return post(body, { 'x-wh-signature-256': signRipioBody(body, s.secret).slice(0, 40) });
      default:
        return post(randomBytes(64 + (index % 512)), { 'content-type': 'text/plain' });
    }
  });

  // Content-Length promises more than arrives, then the sender half-closes.
  const truncatedBodies = await runBounded(scaled(200), 16, (index) => {
    const body = unsignedBody(10_000_000 + index);
    const head = `POST /webhooks/ripio HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 100}\r\nX-Wh-Signature-256: ${signRipioBody(body, s.secret)}\r\n\r\n`;
    return scriptSocket({
      port,
      chunks: [head, body.slice(0, body.length / 2)],
      gapMs: 0,
      endAfter: true,
      timeoutMs: 15_000,
    });
  });
  // Correctly signed, but the signed bytes are cut JSON: a bad request, never queued.
  const signedTruncatedJson = await runBounded(scaled(200), 16, (index) => {
    const body = unsignedBody(20_000_000 + index);
    return signed(body.slice(0, 1 + (index % (body.length - 2))));
  });

  const giantHeaders = await runBounded(20, 4, (index) =>
    post(unsignedBody(30_000_000 + index), { 'x-filler': 'a'.repeat(64 * 1024 + index) }),
  );
  const manyHeaders = await runBounded(10, 4, (index) => {
    const headers: Record<string, string> = {};
    for (let header = 0; header < 2_000; header += 1) headers[`x-h-${header}`] = 'v';
    return post(unsignedBody(31_000_000 + index), headers);
  });

  // Slow-loris: headers one byte at a time, and a body that trickles; bounded to a few seconds each.
  const slowHeaders = runBounded(30, 30, (index) => {
    const head = `POST /webhooks/ripio HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-${index}: ${'s'.repeat(60)}\r\n`;
    return scriptSocket({ port, chunks: [...head], gapMs: 100, endAfter: false, timeoutMs: 45_000 });
  });
  const slowBodies = runBounded(20, 20, (index) => {
    const body = unsignedBody(40_000_000 + index);
    const head = `POST /webhooks/ripio HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const chunks = [head, ...(body.match(/.{1,4}/g) ?? [])];
    return scriptSocket({ port, chunks, gapMs: 100, endAfter: false, timeoutMs: 45_000 });
  });

  const deep = `{"eventType":"OFF-RAMP.DEPOSIT.RECEIVED","issueDatetime":"${ISSUED}","transactionObject":{"transactionId":"hostile-deep-1","nested":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
  const deepJson = [await signed(deep), await post(deep)];
  const huge = `{"eventType":"OFF-RAMP.DEPOSIT.RECEIVED","issueDatetime":"${ISSUED}","transactionObject":{"transactionId":"hostile-huge-1","blob":"${'x'.repeat(300 * 1024)}"}}`;
  const hugeJson = [await signed(huge), await post(huge), await post(Buffer.alloc(8 * MIB, 0x7b))];

  const utf8Body = Buffer.concat([
    Buffer.from(eventBody('ACCOUNT.CLOSED', 'hostile-utf8-1').slice(0, -2)),
    Buffer.from(',"note":"'),
    Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
    Buffer.from('"}}'),
  ]);
  const invalidUtf8 = [await signed(utf8Body), await post(utf8Body)];

  const otherRoutes = [
    await sendRaw({ url, method: 'GET' }),
    await sendRaw({ url: `${s.receiverUrl}/webhooks/other`, body: '{}' }),
    await sendRaw({ url, method: 'PUT', body: '{}' }),
  ];

  const signedEvents = [
    { body: deep, kind: 'off-ramp', id: 'hostile-deep-1', outcome: deepJson[0] as RawOutcome },
    {
      body: utf8Body.toString('utf8'),
      kind: 'account',
      id: 'hostile-utf8-1',
      outcome: invalidUtf8[0] as RawOutcome,
    },
  ];
  const batches: Record<BatchName, RawOutcome[]> = {
    badSignatures,
    truncatedBodies,
    signedTruncatedJson,
    giantHeaders,
    manyHeaders,
    slowHeaders: await slowHeaders,
    slowBodies: await slowBodies,
    deepJson,
    hugeJson,
    invalidUtf8,
    otherRoutes,
  };
  return { batches, signedEvents };
}

describe('7 hostile input', () => {
  const stack = useStack({
    name: '07-hostile-input',
    workers: 2,
    env: { receiver: { REQUEST_TIMEOUT_MS: '3000' } },
  });

  it('survives bad signatures, broken and slow requests, giant and deep bodies; applies the replayed event once', async () => {
    const s = stack();
    const redis = s.redisClient();
    const receiverPid = s.receiver.process.pid;
    const rssBefore = residentBytes(receiverPid);

    // Ordinary traffic runs alongside the abuse: the service must keep working for Ripio meanwhile.
    const plan = planFor(s, { entities: scaled(300), duplicates: 0.2, shuffle: true, jitterMs: 50 });
    const ordinary = sendDeliveries(plan.deliveries, {
      url: s.webhookUrl,
      concurrency: 4,
      maxAttempts: 50,
      maxRetryDelayMs: 500,
      timeoutMs: 20_000,
    });

    const { batches, signedEvents } = await hostileBatches(s);

    // Prototype keys: a signed event whose envelope and object carry __proto__ / constructor keys.
    const protoBody = eventBody('ACCOUNT.CLOSED', 'hostile-proto-1')
      .replace(/^\{/, '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},')
      .replace(
        /"account":\{/,
        '"account":{"__proto__":{"isActive":true},"constructor":{"prototype":{"polluted":"yes"}},',
      );
    const unknownBody = `{"eventType":"OFF-RAMP.TELEPORT.COMPLETED","issueDatetime":"${ISSUED}","transactionObject":{"transactionId":"hostile-unknown-1"}}`;
    const sign = (body: string) => ({
      'content-type': 'application/json',
      'x-wh-signature-256': signRipioBody(body, s.secret),
    });
    const proto = await sendRaw({ url: s.webhookUrl, body: protoBody, headers: sign(protoBody) });
    const unknown = await sendRaw({ url: s.webhookUrl, body: unknownBody, headers: sign(unknownBody) });

    // The same valid event, replayed 1,000 times (50 at once).
    const replayBody = eventBody('OFF-RAMP.WITHDRAWAL.COMPLETED', 'hostile-replay-1');
    const replays = await runBounded(1_000, 50, () =>
      sendRaw({ url: s.webhookUrl, body: replayBody, headers: sign(replayBody) }),
    );

    const records = await ordinary;
    const rssAfter = residentBytes(receiverPid);
    const all = { ...batches, proto: [proto], unknown: [unknown], replays };
    const summary = Object.fromEntries(
      Object.entries(all).map(([name, outcomes]) => [name, tally(outcomes)]),
    );
    console.log(
      `[e2e] 7 hostile answers: ${JSON.stringify(summary)}; receiver RSS ${(rssBefore / MIB).toFixed(0)} -> ${(rssAfter / MIB).toFixed(0)} MiB`,
    );

    // No crash: the same receiver process still answers.
    expect(s.receiver.process.running).toBe(true);
    expect(s.receiver.process.pid).toBe(receiverPid);
    expect((await fetch(`${s.receiverUrl}/healthz`)).status).toBe(200);
    // No 5xx other than 503, in any batch.
    for (const [name, outcomes] of Object.entries(all)) {
      const serverErrors = outcomes.filter((o) => o.kind === 'status' && o.status >= 500 && o.status !== 503);
      expect(serverErrors, `${name}: ${JSON.stringify(tally(outcomes))}`).toEqual([]);
    }
    expect(tally(batches.badSignatures)).toEqual({ '401': batches.badSignatures.length });
    expect(batches.signedTruncatedJson.every((o) => o.kind === 'status' && o.status === 400)).toBe(true);
    expect(batches.giantHeaders.every((o) => o.kind !== 'status' || o.status === 431)).toBe(true);
    // Slow senders are cut by the receiver (REQUEST_TIMEOUT_MS, 3 s here), not by the test's own bound.
    expect(
      batches.slowHeaders.every((o) => o.kind === 'closed' || (o.kind === 'status' && o.status === 408)),
    ).toBe(true);
    expect(batches.slowBodies.filter((o) => o.kind === 'timeout')).toEqual([]);
    expect(batches.deepJson.map((o) => (o.kind === 'status' ? o.status : o.kind))).toEqual([202, 401]);
    expect(batches.hugeJson.map((o) => (o.kind === 'status' ? o.status : o.kind))).toEqual([413, 413, 413]);
    expect(proto).toEqual({ kind: 'status', status: 202 });
    expect(unknown).toEqual({ kind: 'status', status: 202 });
    expect(tally(replays)).toEqual({ '202': 1_000 });
    // Memory stays bounded (generous: the point is "no leak per request", not a budget).
    expect(rssAfter - rssBefore).toBeLessThan(256 * MIB);

    // No unsigned event reached Redis: none of their entity ids appears in any key.
    const [, unsignedKeys] = await redis.scan('0', 'MATCH', '*hostile-unsigned*', 'COUNT', 1_000_000);
    expect(unsignedKeys).toEqual([]);

    // Signed hostile events that were acknowledged must be accounted for like any other.
    const extraAcked = new Map<string, { kind: string; id: string }>([
      [eventKeyOfBody(protoBody), { kind: 'account', id: 'hostile-proto-1' }],
      [eventKeyOfBody(unknownBody), { kind: 'off-ramp', id: 'hostile-unknown-1' }],
      [eventKeyOfBody(replayBody), { kind: 'off-ramp', id: 'hostile-replay-1' }],
    ]);
    for (const event of signedEvents) {
      if (event.outcome.kind === 'status' && event.outcome.status === 202) {
        extraAcked.set(eventKeyOfBody(event.body), { kind: event.kind, id: event.id });
      }
    }
    const hostileCount = Object.values(all).reduce((sum, outcomes) => sum + outcomes.length, 0);
    const verdict = await verifyScenario(s, {
      scenario: '7 hostile input',
      plan,
      outcomes: records.map(outcomeOfRecord),
      extraSent: hostileCount,
      extraAcked,
      note: `${hostileCount} hostile requests beside ${plan.deliveries.length} ordinary ones; receiver RSS +${((rssAfter - rssBefore) / MIB).toFixed(0)} MiB`,
    });
    const hostileAcked = Object.values(all)
      .flat()
      .filter((o) => o.kind === 'status' && o.status >= 200 && o.status < 300).length;
    verdict.row.acked += hostileAcked;
    verdict.row.duplicatesAbsorbed += replays.length - 1;

    // The signed 100,000-deep JSON event: valid, but too deep to store as an entity (Redis's Lua cjson decodes at
    // most 1000 levels). The worker finds that out before the handlers, so it is dead-lettered at once as
    // `invalid` and its handler never runs (no completed call, no failed one).
    const deepKey = eventKeyOfBody(signedEvents[0]?.body ?? '');
    const deepEntry = verdict.deadLetters.find((entry) => entry.eventKey === deepKey);
    expect(deepEntry?.reason).toBe('invalid');
    expect(deepEntry?.attemptsMade).toBe(0);
    expect(deepEntry?.error).toContain('deeper than 999 levels');
    expect(verdict.outcomesByKey.get(deepKey)).toBeUndefined();
    expect(verdict.extraEntities.get('off-ramp/hostile-deep-1')).toBeUndefined();
    expect(verdict.ledger.get(deepKey) ?? 0).toBe(0);
    expect(await redis.hget(`${LEDGER_PREFIX}:failures`, deepKey)).toBeNull();
    assertPromiseKept(verdict);

    // The replayed event: applied once, its handler completed once.
    const replayKey = eventKeyOfBody(replayBody);
    expect((await readLedger(redis)).get(replayKey)).toBe(1);
    const replayed = verdict.extraEntities.get('off-ramp/hostile-replay-1');
    expect(
      replayed?.history.filter((entry) => entry.eventKey === replayKey && entry.outcome === 'applied'),
    ).toHaveLength(1);
    // The prototype keys did not pollute anything: the event applied as an ordinary one.
    expect(verdict.extraEntities.get('account/hostile-proto-1')?.status).toBe('CLOSED');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The signed event of an unknown type is kept in the dead-letter queue with its reason.
    const unknownEntry = verdict.deadLetters.find((entry) => entry.eventKey === eventKeyOfBody(unknownBody));
    expect(unknownEntry?.reason).toBe('unknown_type');
  });
});
