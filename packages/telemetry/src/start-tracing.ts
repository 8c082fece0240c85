import { context, propagation, trace } from '@opentelemetry/api';
import { NO_TRACING, tracingWith, type Tracing } from './tracing.js';

export interface TracingOptions {
  /** `service.name` of the spans (ripio-receiver, ripio-worker). */
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT (`http://collector:4318`); absent: no tracing at all. */
  endpoint: string | undefined;
}

/**
 * Starts the OpenTelemetry SDK when an OTLP endpoint is given: spans batched and sent as OTLP/HTTP protobuf to
 * `<endpoint>/v1/traces`, W3C trace context, async-hooks context. Without an endpoint nothing is loaded (the SDK
 * modules are imported only here) and `NO_TRACING` is returned.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (options.endpoint === undefined || options.endpoint === '') return NO_TRACING;
  const [
    { TracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    core,
    hooks,
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
    import('@opentelemetry/context-async-hooks'),
  ]);
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1_000 })],
  });
  context.setGlobalContextManager(new hooks.AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return tracingWith(provider.getTracer('ripio-webhooks'), () => provider.shutdown());
}
