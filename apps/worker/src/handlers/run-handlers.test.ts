import { defineHandlers, UnrecoverableEventError } from '@ripio-webhooks/handlers';
import { parseEvent, sampleEvent } from '@ripio-webhooks/schemas';
import { describe, expect, it } from 'vitest';
import { HandlerFailedError } from '../errors/handler-failed-error.js';
import { HandlerTimeoutError } from '../errors/handler-timeout-error.js';
import { createHandlerRunner, FORWARD_HANDLER } from './run-handlers.js';

const parsed = parseEvent(
  sampleEvent('KYC.COMPLETED', { entityId: 'cust-1', issueDatetime: '2026-03-01T10:00:00Z' }),
);
if (!parsed.ok) throw new Error('fixture does not parse');
const event = parsed.event;
const parsedAccount = parseEvent(
  sampleEvent('ACCOUNT.CLOSED', { entityId: 'acc-1', issueDatetime: '2026-03-01T10:00:00Z' }),
);
if (!parsedAccount.ok) throw new Error('fixture does not parse');
const accountClosed = parsedAccount.event;
const after = {
  kind: 'kyc' as const,
  id: 'cust-1',
  status: 'COMPLETED',
  fields: {},
  version: 1,
  createdAt: 'x',
  updatedAt: 'x',
};
const context = {
  event,
  eventKey: 'k',
  outcome: 'applied' as const,
  before: undefined,
  after,
  receivedAt: 'x',
  attempt: 1,
  history: [],
  redrive: false,
};

describe('handler runner', () => {
  it('runs the event type handler, the wildcard and the forwarder, each with an abort signal', async () => {
    const called: string[] = [];
    const runner = createHandlerRunner({
      handlers: defineHandlers({
        'KYC.COMPLETED': ({ event: completed, signal }) => {
          // Narrowed by the event type: a KYC payload.
          called.push(`kyc:${completed.object.customerId}:${String(signal.aborted)}`);
        },
        'KYC.FAILED': () => {
          called.push('never');
        },
        '*': () => {
          called.push('*');
        },
      }),
      forwarder: () => {
        called.push(FORWARD_HANDLER);
      },
      timeoutMs: 1_000,
    });
    await runner.run(context);
    expect(called.sort()).toEqual(['*', 'forward', 'kyc:cust-1:false']);
    // An event type without a handler of its own runs the wildcard and the forwarder only.
    called.length = 0;
    await runner.run({ ...context, event: accountClosed });
    expect(called.sort()).toEqual(['*', 'forward']);
  });

  it('reports every failing handler, synchronous throws included, and marks unrecoverable ones', async () => {
    const failed: string[] = [];
    const runner = createHandlerRunner({
      handlers: {
        'KYC.COMPLETED': () => {
          throw new Error('sync boom');
        },
        '*': () => Promise.reject(new UnrecoverableEventError('never works')),
      },
      timeoutMs: 1_000,
      onFailure: (handler) => failed.push(handler),
    });
    const error = await runner.run(context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandlerFailedError);
    const failure = error as HandlerFailedError;
    expect(failure.failures.map((f) => f.handler)).toEqual(['KYC.COMPLETED', '*']);
    expect(failure.message).toContain('sync boom');
    expect(failure.unrecoverable).toBe(true);
    expect(failed).toEqual(['KYC.COMPLETED', '*']);
  });

  it('times a handler out and aborts its signal', async () => {
    let seenSignal: AbortSignal | undefined;
    const runner = createHandlerRunner({
      handlers: {
        '*': ({ signal }) => {
          seenSignal = signal;
          return new Promise<void>((_, reject) =>
            signal.addEventListener('abort', () => reject(new Error('aborted'))),
          );
        },
      },
      timeoutMs: 20,
    });
    const error = (await runner.run(context).catch((e: unknown) => e)) as HandlerFailedError;
    expect(error.failures[0]?.error).toBeInstanceOf(HandlerTimeoutError);
    expect(error.unrecoverable).toBe(false);
    expect(seenSignal?.aborted).toBe(true);
  });

  it('does nothing without handlers', async () => {
    const runner = createHandlerRunner({ handlers: {}, timeoutMs: 10 });
    await expect(runner.run(context)).resolves.toBeUndefined();
  });
});
