import express, { type Express } from 'express';
import type { ReceiverMetrics } from './metrics.js';

/**
 * The receiver's `/metrics`, on its own listener (METRICS_HOST:METRICS_PORT): the webhook port faces the internet
 * and answers 404 there, so only the network Prometheus scrapes from reaches the metrics.
 */
export function createMetricsApp(metrics: ReceiverMetrics): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.type(metrics.registry.contentType).send(body);
  });
  app.use((_req, res) => {
    res.status(404).json({ status: 'not_found' });
  });
  return app;
}
