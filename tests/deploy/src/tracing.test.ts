import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signRipioBody } from '@ripio-webhooks/core';
import { sampleEvent, toRipioJson } from '@ripio-webhooks/schemas';
import {
  freePort,
  LocalRedisServer,
  OtlpSink,
  TEST_FORWARD_SECRET,
  TEST_WEBHOOK_SECRET,
  uniquePrefix,
  type ReceivedSpan,
} from '@ripio-webhooks/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from './app-process.js';
import { eventually } from './eventually.js';

/** A downstream service for the forwarder: answers 200 and keeps each request's headers. */
async function startDownstream(): Promise<{ server: Server; url: string; headers: IncomingHttpHeaders[] }> {
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    headers.push(req.headers);
    req.resume().on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ledger`, headers };
}

describe('one webhook traced from the receiver to the forwarder, exported over OTLP/HTTP (real processes)', () => {
  let redis: LocalRedisServer | undefined;
  let sink: OtlpSink;
  let downstream: Awaited<ReturnType<typeof startDownstream>>;
  const apps: RunningApp[] = [];

  beforeAll(async () => {
    [redis, sink, downstream] = await Promise.all([
      LocalRedisServer.start({ appendonly: false }),
      OtlpSink.start(),
      startDownstream(),
    ]);
    const shared = {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: uniquePrefix('tracing'),
      LOG_LEVEL: 'warn',
      INTAKE_PROOF_KEYS: randomBytes(32).toString('hex'),
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
    };
    const [receiverPort, workerPort] = [await freePort(), await freePort()];
    apps.push(
      ...(await Promise.all([
        startApp({
          app: 'receiver',
          label: 'receiver',
          port: receiverPort,
          env: {
            ...shared,
            RIPIO_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
            PORT: String(receiverPort),
            METRICS_PORT: '0',
            HOST: '127.0.0.1',
          },
        }),
        startApp({
          app: 'worker',
          label: 'worker',
          port: workerPort,
          env: {
            ...shared,
            METRICS_PORT: String(workerPort),
            METRICS_HOST: '127.0.0.1',
            FORWARD_URL: downstream.url,
            FORWARD_SECRET: TEST_FORWARD_SECRET,
            // The test's downstream listens on plain http on loopback.
            FORWARD_ALLOW_HTTP: 'true',
          },
        }),
      ])),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all([sink?.close(), new Promise((resolve) => downstream?.server.close(resolve))]);
    await redis?.stop();
  });

  it("shares one trace id across the receiver's, the worker's and the handler's spans and the forwarded request", async () => {
    const [receiver] = apps;
    const body = toRipioJson(
      sampleEvent('ACCOUNT.CLOSED', {
        entityId: `traced-${randomBytes(4).toString('hex')}`,
        issueDatetime: new Date().toISOString(),
      }),
    );
    const answer = await fetch(receiver?.metricsUrl.replace('/metrics', '/webhooks/ripio') ?? '', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-wh-signature-256': signRipioBody(body, TEST_WEBHOOK_SECRET),
      },
      body,
    });
    expect(answer.status).toBe(202);
    const { eventKey } = (await answer.json()) as { eventKey: string };

    // The batch processors export within about a second; the sink decodes each OTLP/HTTP protobuf request.
    const spans = await eventually('the spans of the receiver, the worker and the forwarder', () => {
      const request = sink.spans.find(
        (span) => span.attributes['ripio.event_key'] === eventKey && span.kind === 2,
      );
      const trace = sink.spans.filter((span) => span.traceId === request?.traceId);
      const names = new Set(trace.map((span) => span.name));
      const complete = ['process ACCOUNT.CLOSED', 'handler forward', 'POST forward', 'commit'].every((name) =>
        names.has(name),
      );
      return Promise.resolve(complete ? trace : undefined);
    });
    const named = (name: string): ReceivedSpan | undefined => spans.find((span) => span.name === name);
    const request = named('POST /webhooks/ripio');
    const processing = named('process ACCOUNT.CLOSED');
    const handler = named('handler forward');
    const post = named('POST forward');
    expect(request).toMatchObject({ service: 'ripio-receiver', parentSpanId: '' });
    expect(processing).toMatchObject({ service: 'ripio-worker', kind: 5, parentSpanId: request?.spanId });
    expect(named('handlers')?.parentSpanId).toBe(processing?.spanId);
    expect(handler?.parentSpanId).toBe(named('handlers')?.spanId);
    expect(post).toMatchObject({ service: 'ripio-worker', kind: 3, parentSpanId: handler?.spanId });
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    // The forwarded request carries the trace on to the downstream service.
    expect(downstream.headers.map((headers) => headers.traceparent)).toContain(
      `00-${request?.traceId}-${post?.spanId}-01`,
    );
  });
});
