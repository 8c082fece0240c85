// Benchmark ceiling 2 of 2: Express with the raw body and the real HMAC check (core's verifyRipioSignature), then
// 202. No parsing beyond that and no Redis: the fastest an Express webhook endpoint that verifies can be.
import { verifyRipioSignature } from '@ripio-webhooks/core';
import express from 'express';

const port = Number(process.env['PORT'] ?? '8080');
const secrets = (process.env['RIPIO_WEBHOOK_SECRETS'] ?? '').split(',').filter((secret) => secret !== '');

const app = express();
app.post('/{*path}', express.raw({ type: '*/*', limit: 262_144 }), (req, res) => {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const check = verifyRipioSignature(body, req.headers, secrets);
  res.status(check.outcome === 'valid' ? 202 : 401).end();
});
const server = app.listen(port, '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.once('SIGTERM', () => server.close(() => process.exit(0)));
