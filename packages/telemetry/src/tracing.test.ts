import { OtlpSink } from '@ripio-webhooks/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing } from './start-tracing.js';
import { NO_TRACING, SpanKind, type Tracing } from './tracing.js';

describe('tracing without an endpoint', () => {
  it('is NO_TRACING: bodies run as plain calls, nothing to carry', async () => {
    const tracing = await startTracing({ serviceName: 'test', endpoint: undefined });
    expect(tracing).toBe(NO_TRACING);
    expect(await tracing.inSpan('x', {}, (span) => (span === undefined ? 'ran' : 'span'))).toBe('ran');
    expect(tracing.traceparent()).toBeUndefined();
  });
});

describe('tracing to a real OTLP/HTTP endpoint', () => {
  let sink: OtlpSink;
  let tracing: Tracing;
  beforeAll(async () => {
    sink = await OtlpSink.start();
    tracing = await startTracing({ serviceName: 'ripio-test', endpoint: sink.endpoint });
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('exports nested spans, continues a carried traceparent, and marks a failing span', async () => {
    const carried = await tracing.inSpan('receive', { kind: SpanKind.SERVER }, () =>
      tracing.inSpan('enqueue', { attributes: { 'ripio.event_key': 'k1' } }, () => tracing.traceparent()),
    );
    expect(carried).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const headers: Record<string, string> = {};
    await tracing.inSpan('process', { kind: SpanKind.CONSUMER, traceparent: carried }, () =>
      tracing.inject(headers),
    );
    await expect(
      tracing.inSpan('handler', { traceparent: carried }, () => Promise.reject(new Error('ledger down'))),
    ).rejects.toThrow('ledger down');
    await tracing.shutdown();

    const byName = new Map(sink.spans.map((span) => [span.name, span]));
    const [receive, enqueue, processing, handler] = ['receive', 'enqueue', 'process', 'handler'].map((name) =>
      byName.get(name),
    );
    expect(receive).toMatchObject({ service: 'ripio-test', kind: 2, parentSpanId: '' });
    expect(enqueue).toMatchObject({ parentSpanId: receive?.spanId, attributes: { 'ripio.event_key': 'k1' } });
    // The carried context is the enqueue span's: the worker's spans hang under it, in the same trace.
    expect(carried).toBe(`00-${receive?.traceId}-${enqueue?.spanId}-01`);
    expect(processing).toMatchObject({ traceId: receive?.traceId, parentSpanId: enqueue?.spanId, kind: 5 });
    expect(headers.traceparent).toBe(`00-${receive?.traceId}-${processing?.spanId}-01`);
    expect(handler?.traceId).toBe(receive?.traceId);
  });
});
