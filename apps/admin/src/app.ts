import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { EventLogReader } from '@ripio-webhooks/event-log';
import type { TrustProxy } from './access-env.js';
import { apiRouter, type AdminStores } from './api.js';
import { requireAuth, type AccessControl } from './auth.js';
import { QUEUES_PATH } from './bull-board.js';
import { readConsoleScripts, readPublic, renderConsolePage } from './console-page.js';
import { adminErrorHandler } from './error-handler.js';
import { loginRouter } from './login.js';
import type { AdminMetrics } from './metrics.js';

export interface AdminAppOptions {
  access: AccessControl;
  stores: AdminStores;
  metrics: AdminMetrics;
  logger: Logger;
  /** The Postgres event log (absent: EVENT_LOG=off, its routes answer 404). */
  eventLog?: EventLogReader;
  /** Express `trust proxy` (TRUST_PROXY); default false. */
  trustProxy?: TrustProxy;
  /** bull-board's router (absent: no dashboard, e.g. in tests that don't need it). */
  queuesDashboard?: Router;
  /** Answers /readyz: true when Redis answers. */
  ping: () => Promise<boolean>;
}

/**
 * The content security policy of every page but the queue dashboard: the console and the login form load only
 * their own scripts and stylesheets (no inline script or style), talk only to this origin, and cannot be framed.
 */
const STRICT_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/**
 * bull-board (a third-party page) sets inline styles and a `<base href>`, and shows a data: favicon: its policy
 * allows those and nothing more (still no inline script, and no web fonts from elsewhere).
 */
const QUEUES_CSP = {
  ...STRICT_CSP,
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  baseUri: ["'self'"],
};

/** Security headers (helmet) under one policy; HSTS is sent, and honoured by browsers over HTTPS only. */
const securityHeaders = (directives: Record<string, string[]>): RequestHandler =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  });

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * The admin app: /healthz and /readyz are open (probes); everything else needs an identity (auth.ts): an
 * operator's token or `ADMIN_TOKEN` as a Bearer header, the console's session cookie, or a trusted proxy's
 * identity header. Reads need any role, writes `operate`, operator management `admin`.
 */
export function createAdminApp(options: AdminAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  const strict = securityHeaders(STRICT_CSP);
  const dashboard = securityHeaders(QUEUES_CSP);
  app.use((req, res, next) => {
    const queues = req.path === QUEUES_PATH || req.path.startsWith(`${QUEUES_PATH}/`);
    (queues ? dashboard : strict)(req, res, next);
  });
  app.use(noStore);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await options.ping();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'redis_unavailable' });
  });

  app.use(loginRouter(options.access, readPublic('login.css'), options.logger));
  app.use(requireAuth(options.access));

  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  app.use(
    '/api',
    apiRouter(options.stores, options.access, options.metrics, options.logger, options.eventLog),
  );
  if (options.queuesDashboard !== undefined) app.use(QUEUES_PATH, options.queuesDashboard);
  serveConsole(app);

  app.use((req, res) => {
    res.status(404).json({ error: `not found: ${req.method} ${req.path}` });
  });
  app.use(adminErrorHandler(options.logger));
  return app;
}

/** The console's page, stylesheet and modules (under /console/). */
function serveConsole(app: Express): void {
  const consoleFiles: Record<string, { type: string; body: string }> = {
    '/': { type: 'html', body: renderConsolePage(readPublic('index.html')) },
    '/console.css': { type: 'css', body: readPublic('console.css') },
  };
  for (const [name, body] of readConsoleScripts()) consoleFiles[`/console/${name}`] = { type: 'js', body };
  for (const [path, file] of Object.entries(consoleFiles)) {
    app.get(path, (_req, res) => {
      res.type(file.type).send(file.body);
    });
  }
}
