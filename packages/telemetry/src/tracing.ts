import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';

export { SpanKind } from '@opentelemetry/api';
export type { Attributes, Span } from '@opentelemetry/api';

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** A W3C `traceparent` to continue (a job's); absent: the active span is the parent. */
  traceparent?: string | undefined;
}

/**
 * The tracing of one process. Disabled (`NO_TRACING`), every call is a plain function call: no span, no context,
 * no SDK loaded. Enabled (`startTracing`), spans are exported over OTLP/HTTP.
 */
export interface Tracing {
  readonly enabled: boolean;
  /** Runs `body` inside a new active span, which records a thrown error and always ends. */
  inSpan<T>(name: string, options: SpanOptions, body: (span: Span | undefined) => Promise<T> | T): Promise<T>;
  /** The active span's W3C `traceparent` (to carry in a job), or undefined. */
  traceparent(): string | undefined;
  /** Adds the active span's trace context to outgoing HTTP headers (`traceparent`, `tracestate`). */
  inject(headers: Record<string, string>): void;
  /** Exports what is pending and stops. */
  shutdown(): Promise<void>;
}

export const NO_TRACING: Tracing = {
  enabled: false,
  inSpan: async (_name, _options, body) => body(undefined),
  traceparent: () => undefined,
  inject: () => undefined,
  shutdown: () => Promise.resolve(),
};

const traceparentGetter: TextMapGetter<string> = {
  keys: () => ['traceparent'],
  get: (carrier, key) => (key === 'traceparent' ? carrier : undefined),
};

/** The tracing over a started tracer (the SDK is global to the process: one per process). */
export function tracingWith(tracer: Tracer, shutdown: () => Promise<void>): Tracing {
  return {
    enabled: true,
    async inSpan(name, options, body) {
      const parent =
        options.traceparent === undefined
          ? context.active()
          : propagation.extract(ROOT_CONTEXT, options.traceparent, traceparentGetter);
      const span = tracer.startSpan(
        name,
        {
          kind: options.kind ?? SpanKind.INTERNAL,
          ...(options.attributes ? { attributes: options.attributes } : {}),
        },
        parent,
      );
      try {
        return await context.with(trace.setSpan(parent, span), () => body(span));
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    },
    traceparent() {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return carrier.traceparent;
    },
    inject(headers) {
      propagation.inject(context.active(), headers);
    },
    shutdown,
  };
}
