// NAIVE PEER - NOT PART OF THE SERVICE. This is the obvious webhook handler a user would write themselves, kept in
// bench/ only as the baseline the receiver is compared against: Express, `express.raw`, the HMAC check, then
// `await queue.add(eventType, JSON.parse(body))` with BullMQ's default job options and a default ioredis
// connection. It has no job id (so no dedupe of redeliveries), no fail-fast on a dead Redis, no timeout and no
// metrics; those gaps are the point of the comparison, do not copy it.
import { verifyRipioSignature } from '@ripio-webhooks/core';
import { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';

const port = Number(process.env['PORT'] ?? '8080');
const secrets = (process.env['RIPIO_WEBHOOK_SECRETS'] ?? '').split(',').filter((secret) => secret !== '');
const connection = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', {
  maxRetriesPerRequest: null,
});
const queue = new Queue('events', { connection });

interface Envelope {
  eventType?: string;
}

const app = express();
app.post('/{*path}', express.raw({ type: 'application/json' }), async (req, res) => {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (verifyRipioSignature(body, req.headers, secrets).outcome !== 'valid') {
    res.status(401).end();
    return;
  }
  const event = JSON.parse(body.toString('utf8')) as Envelope;
  await queue.add(event.eventType ?? 'unknown', event);
  res.status(202).end();
});
const server = app.listen(port, '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.once('SIGTERM', () => {
  server.close(() => {
    void queue.close().then(() => {
      connection.disconnect();
      process.exit(0);
    });
  });
});
