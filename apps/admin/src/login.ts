import express, { type Request, type Response, type Router } from 'express';
import {
  constantTimeEqual,
  issueSessionCookieValue,
  safeNextPath,
  SESSION_COOKIE,
  SESSION_MAX_AGE_SECONDS,
} from './auth.js';
import { escapeHtml } from './html.js';

function loginPage(next: string, error: string | undefined): string {
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
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Sign in</button>
</form>
<p class="hint">The token is the <code>ADMIN_TOKEN</code> the admin app was started with.</p>
</main>
</body>
</html>`;
}

function cookieAttributes(req: Request, maxAgeSeconds: number): string {
  return `Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${req.secure ? '; Secure' : ''}`;
}

/** `/login` (form and check), `/logout`: the browser way in, for the console and the queue dashboard. */
export function loginRouter(token: string, loginCss: string, now: () => number = Date.now): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  const html = (res: Response, status: number, body: string): void => {
    res
      .status(status)
      .setHeader(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
      )
      .type('html')
      .send(body);
  };

  router.get('/login.css', (_req, res) => {
    res.type('css').send(loginCss);
  });

  router.get('/login', (req, res) => {
    html(res, 200, loginPage(safeNextPath(req.query.next), undefined));
  });

  router.post('/login', form, (req, res) => {
    const body: unknown = req.body;
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const next = safeNextPath(fields.next);
    const given = typeof fields.token === 'string' ? fields.token : '';
    if (!constantTimeEqual(given, token)) {
      html(res, 401, loginPage(next, 'That token is not the admin token.'));
      return;
    }
    res.setHeader(
      'Set-Cookie',
      `${SESSION_COOKIE}=${issueSessionCookieValue(token, now())}; ${cookieAttributes(req, SESSION_MAX_AGE_SECONDS)}`,
    );
    res.redirect(303, next);
  });

  router.post('/logout', (req, res) => {
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; ${cookieAttributes(req, 0)}`);
    res.redirect(303, '/login');
  });

  return router;
}
