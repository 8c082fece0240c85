import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import type { EventLogReader } from '@ripio-webhooks/event-log';
import { apiRouter, type AdminStores } from './api.js';
import { requireAuth } from './auth.js';
import { QUEUES_PATH } from './bull-board.js';
import { readConsoleScripts, readPublic, renderConsolePage } from './console-page.js';
import { adminErrorHandler } from './error-handler.js';
import { loginRouter } from './login.js';
import type { AdminMetrics } from './metrics.js';

export interface AdminAppOptions {
  token: string;
  stores: AdminStores;
  metrics: AdminMetrics;
  logger: Logger;
  /** The Postgres event log (absent: EVENT_LOG=off, its routes answer 404). */
  eventLog?: EventLogReader;
  /** bull-board's router (absent: no dashboard, e.g. in tests that don't need it). */
  queuesDashboard?: Router;
  /** Answers /readyz: true when Redis answers. */
  ping: () => Promise<boolean>;
  now?: () => number;
}

/** The console: one page, its script modules (compiled from console/*.ts), one stylesheet. */
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The admin app: /healthz and /readyz are open (probes); everything else needs the admin token, as a Bearer
 * header or as the cookie /login sets: the JSON API (/api), /metrics, the console (/) and bull-board (/queues).
 */
export function createAdminApp(options: AdminAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(securityHeaders);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await options.ping();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'redis_unavailable' });
  });

  app.use(loginRouter(options.token, readPublic('login.css'), options.now));
  app.use(requireAuth(options.token, options.now));

  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  app.use('/api', apiRouter(options.stores, options.metrics, options.logger, options.eventLog));
  if (options.queuesDashboard !== undefined) app.use(QUEUES_PATH, options.queuesDashboard);
  serveConsole(app);

  app.use((req, res) => {
    res.status(404).json({ error: `not found: ${req.method} ${req.path}` });
  });
  app.use(adminErrorHandler(options.logger));
  return app;
}

/** Headers on every answer: no sniffing, no referrer, no framing, no caching. */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** The console's page, stylesheet and modules (under /console/), each under CONSOLE_CSP. */
function serveConsole(app: Express): void {
  const consoleFiles: Record<string, { type: string; body: string }> = {
    '/': { type: 'html', body: renderConsolePage(readPublic('index.html')) },
    '/console.css': { type: 'css', body: readPublic('console.css') },
  };
  for (const [name, body] of readConsoleScripts()) consoleFiles[`/console/${name}`] = { type: 'js', body };
  for (const [path, file] of Object.entries(consoleFiles)) {
    app.get(path, (_req, res) => {
      res.setHeader('Content-Security-Policy', CONSOLE_CSP);
      res.type(file.type).send(file.body);
    });
  }
}
