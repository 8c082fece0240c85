// An example HANDLERS_MODULE: books each completed off-ramp withdrawal in a ledger service over HTTP.
import { defineHandlers, UnrecoverableEventError } from '@ripio-webhooks/handlers';

// Read at import: the worker imports this module at start, so a missing setting stops it before it takes jobs.
const ledgerUrl = process.env.LEDGER_URL;
if (ledgerUrl === undefined || ledgerUrl === '') throw new Error('handlers: LEDGER_URL is not set');

/** Statuses worth another attempt: timeouts, rate limits and the ledger's own failures. */
const retryable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

export default defineHandlers({
  'OFF-RAMP.WITHDRAWAL.COMPLETED': async ({ event, eventKey, signal }) => {
    const { transactionId, amount, toCurrency } = event.object;
    const response = await fetch(new URL('/credits', ledgerUrl), {
      method: 'POST',
      // The event key makes the credit idempotent: handlers run at least once.
      headers: { 'content-type': 'application/json', 'idempotency-key': eventKey },
      body: JSON.stringify({ transactionId, amount, currency: toCurrency }),
      signal,
    });
    if (response.ok) return;
    const problem = `ledger answered ${response.status} for ${transactionId}`;
    // Thrown, the event is retried with backoff; unrecoverable, it is dead-lettered at once, to replay after a fix.
    throw retryable(response.status) ? new Error(problem) : new UnrecoverableEventError(problem);
  },
});
