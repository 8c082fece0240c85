import { BOOTSTRAP_OPERATOR, OperatorName } from '@ripio-webhooks/contracts';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import {
  clientAddress,
  safeNextPath,
  SESSION_MAX_AGE_SECONDS,
  tooManyAttempts,
  type AccessControl,
} from './auth.js';
import { escapeHtml } from './html.js';
import { identifyToken, readCookie, SESSION_COOKIE } from './identity.js';
import { adminTokenMark } from './operator-tokens.js';

function loginPage(next: string, error: string | undefined, operator = ''): string {
  const message = error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ripio-webhooks admin: sign in</title>
<link rel="stylesheet" href="/login.css">
</head>
<body>
<main class="login">
<h1>ripio-webhooks admin</h1>
${message}
<form method="post" action="/login">
<label for="operator">Operator</label>
<input id="operator" name="operator" autocomplete="username" required autofocus value="${escapeHtml(operator)}">
<label for="token">Token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Sign in</button>
</form>
<p class="hint">Your operator name and the token issued to you (<code>ripio-webhooks operators create</code>).
Break-glass: operator <code>admin</code> with <code>ADMIN_TOKEN</code>.</p>
</main>
</body>
</html>`;
}

/** `Secure` whenever the request came over TLS, as Express sees it through `trust proxy` (TRUST_PROXY). */
function cookieAttributes(req: Request, maxAgeSeconds: number): string {
  return `Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${req.secure ? '; Secure' : ''}`;
}

function fieldsOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/**
 * `/login` (form and check), `/logout`: the browser way in, for the console and the queue dashboard. A sign-in
 * names the operator and gives its token; failures are throttled per address and per name; success starts a
 * server-side session (Redis) that `/logout` deletes.
 */
export function loginRouter(access: AccessControl, loginCss: string, logger: Logger): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  const html = (res: Response, status: number, body: string): void => {
    res.status(status).type('html').send(body);
  };

  router.get('/login.css', (_req, res) => {
    res.type('css').send(loginCss);
  });

  router.get('/login', (req, res) => {
    html(res, 200, loginPage(safeNextPath(req.query.next), undefined));
  });

  router.post('/login', form, async (req, res) => {
    const fields = fieldsOf(req);
    const next = safeNextPath(fields.next);
    const name = OperatorName.safeParse(fields.operator);
    const operator = name.success ? name.data : '';
    const address = clientAddress(req);
    const blockedMs = await access.throttle.blockedFor(address, operator || undefined);
    if (blockedMs > 0) {
      logger.warn({ address, operator }, 'sign-in refused: throttled');
      tooManyAttempts(res, blockedMs);
      return;
    }
    const token = typeof fields.token === 'string' ? fields.token : '';
    const identity =
      token === '' ? undefined : await identifyToken(token, access.stores, access.settings, 'session');
    if (identity === undefined || identity.operator !== operator) {
      await access.throttle.failed(address, operator || undefined);
      logger.warn({ address, operator }, 'sign-in failed');
      html(res, 401, loginPage(next, 'That operator and token do not match.', operator));
      return;
    }
    await access.throttle.succeeded(operator);
    const bootstrap = operator === BOOTSTRAP_OPERATOR;
    const id = await access.stores.sessions.create(
      {
        operator,
        createdAt: new Date().toISOString(),
        ...(bootstrap ? { tokenMark: adminTokenMark(access.settings.adminToken) } : {}),
      },
      SESSION_MAX_AGE_SECONDS,
    );
    logger.info({ address, operator }, 'signed in');
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${id}; ${cookieAttributes(req, SESSION_MAX_AGE_SECONDS)}`);
    res.redirect(303, next);
  });

  router.post('/logout', async (req, res) => {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (id !== undefined && id !== '') await access.stores.sessions.revoke(id);
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; ${cookieAttributes(req, 0)}`);
    res.redirect(303, '/login');
  });

  return router;
}
