import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyRipioSignature } from '@ripio-webhooks/core';
import { freePort } from '@ripio-webhooks/test-support';
import { planSimulation } from './plan.js';
import { runSimulation } from './send.js';

const secret = 'whsec_send';
const plan = planSimulation({
  seed: 'send-test',
  entities: 12,
  startAt: '2026-05-19T14:30:00.000Z',
  secret,
  duplicates: 0.2,
  bad: 0.2,
});

let server: Server | undefined;
afterEach(async () => {
  if (server !== undefined) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  }
});

/** A tiny receiver: checks the signature like the real one, and refuses each body's first `refusals` tries with 503. */
async function startReceiver(refusals: number): Promise<{ url: string; seen: Map<string, number> }> {
  const seen = new Map<string, number>();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const tries = (seen.get(body.toString()) ?? 0) + 1;
      seen.set(body.toString(), tries);
      if (tries <= refusals) {
        res.writeHead(503, { 'retry-after': '0' }).end();
        return;
      }
      const check = verifyRipioSignature(body, req.headers, [secret]);
      if (check.outcome !== 'valid') {
        res.writeHead(401).end();
        return;
      }
      try {
        JSON.parse(body.toString());
      } catch {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(202).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/ripio`, seen };
}

describe('runSimulation', () => {
  it('delivers every planned request and counts answers by status and kind', async () => {
    const { url } = await startReceiver(0);
    const { summary, results } = await runSimulation(plan, { url, concurrency: 4 });
    expect(results).toHaveLength(plan.deliveries.length);
    expect(summary.deliveries).toBe(plan.deliveries.length);
    expect(summary.requests).toBe(plan.deliveries.length);
    expect(summary.unacknowledged).toBe(0);
    const validCount = plan.deliveries.filter((d) => d.kind === 'event' || d.kind === 'duplicate').length;
    const malformed = plan.deliveries.filter((d) => d.kind === 'malformed_json').length;
    expect(summary.byStatus['202']).toBe(validCount);
    expect(summary.byStatus['400'] ?? 0).toBe(malformed);
    expect(summary.byStatus['401'] ?? 0).toBe(plan.deliveries.length - validCount - malformed);
    expect(summary.latencyMs.count).toBe(plan.deliveries.length);
    expect(summary.latencyMs.max).toBeGreaterThanOrEqual(summary.latencyMs.p50);
  });

  it('retries 503 answers like Ripio and still acknowledges everything', async () => {
    const { url } = await startReceiver(2);
    const { summary } = await runSimulation(plan, { url, concurrency: 8, maxAttempts: 5 });
    expect(summary.unacknowledged).toBe(0);
    expect(summary.retries).toBeGreaterThanOrEqual(2 * new Set(plan.deliveries.map((d) => d.body)).size);
    expect(summary.byStatus['503']).toBeUndefined();
  });

  it('stops retrying when the run budget is spent', async () => {
    const { url } = await startReceiver(1_000);
    const { summary } = await runSimulation(plan, { url, concurrency: 2, maxAttempts: 10, retryBudget: 5 });
    expect(summary.retries).toBe(5);
    expect(summary.retryBudgetExhausted).toBe(true);
    expect(summary.byStatus['503']).toBe(plan.deliveries.length);
  });

  it('reports connection errors after bounded retries', async () => {
    const port = await freePort();
    const small = { ...plan, deliveries: plan.deliveries.slice(0, 3) };
    const { summary, results } = await runSimulation(small, {
      url: `http://127.0.0.1:${port}/webhooks/ripio`,
      maxAttempts: 2,
      maxRetryDelayMs: 10,
    });
    expect(summary.byStatus.error).toBe(3);
    expect(results.every((result) => result.attempts === 2 && result.error !== undefined)).toBe(true);
  });
});
