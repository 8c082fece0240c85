// A local stand-in for the on-call chat: receives what Alertmanager delivers and shows it, so a newcomer sees an
// alert arrive without a Slack workspace or a pager. Plain Node (no dependencies), started by docker-compose.yml
// (service alert-sink) or by hand: `node deploy/alert-sink/alert-sink.mjs`.
//
//   POST /slack/<channel>   a Slack incoming-webhook message (Alertmanager's slack_configs, rendered with
//                           deploy/alertmanager/templates/ripio.tmpl)
//   POST /alertmanager      Alertmanager's plain webhook payload (webhook_configs), for a receiver of your own
//   GET  /                  the last deliveries, newest first, as a page
//   GET  /alerts            the same as JSON
//   GET  /healthz           liveness
//
// Each delivery is also printed to stdout (`docker compose logs -f alert-sink`). Settings: ALERT_SINK_HOST
// (127.0.0.1), ALERT_SINK_PORT (9095), ALERT_SINK_KEEP (how many deliveries to keep, 100).
import { createServer } from 'node:http';

const host = process.env.ALERT_SINK_HOST ?? '127.0.0.1';
const port = Number(process.env.ALERT_SINK_PORT ?? '9095');
const keep = Number(process.env.ALERT_SINK_KEEP ?? '100');
const BODY_LIMIT = 1024 * 1024;

/** @type {{ receivedAt: string, channel: string, status: string, title: string, link: string, text: string }[]} */
const deliveries = [];

/** A Slack message as Alertmanager's slack_configs sends it: the rendered template is in the attachment. */
function fromSlack(channel, body) {
  const attachment = Array.isArray(body.attachments) ? (body.attachments[0] ?? {}) : {};
  const title = String(attachment.title ?? body.text ?? '');
  return {
    channel,
    status: /^\[RESOLVED/.test(title) ? 'resolved' : 'firing',
    title,
    link: String(attachment.title_link ?? ''),
    text: String(attachment.text ?? ''),
  };
}

/** Alertmanager's webhook payload (version 4): one line per alert from its labels and annotations. */
function fromWebhook(body) {
  const alerts = Array.isArray(body.alerts) ? body.alerts : [];
  const lines = alerts.map((alert) => {
    const labels = alert.labels ?? {};
    const annotations = alert.annotations ?? {};
    const about = ['event_key', 'kind', 'entity_id']
      .filter((name) => labels[name] !== undefined)
      .map((name) => `${name}=${labels[name]}`)
      .join(' ');
    return `${alert.status ?? ''} ${labels.alertname ?? ''}: ${annotations.summary ?? ''} ${about}`.trim();
  });
  return {
    channel: String(body.receiver ?? 'webhook'),
    status: String(body.status ?? ''),
    title: `[${String(body.status ?? '').toUpperCase()}] ${body.groupLabels?.alertname ?? ''}`,
    link: String(body.externalURL ?? ''),
    text: lines.join('\n'),
  };
}

function record(delivery) {
  const entry = { receivedAt: new Date().toISOString(), ...delivery };
  deliveries.unshift(entry);
  deliveries.length = Math.min(deliveries.length, keep);
  const indented = entry.text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  console.log(`[alert-sink] ${entry.receivedAt} ${entry.channel}: ${entry.title}\n${indented}`);
}

const escapeHtml = (value) =>
  value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char],
  );

function page() {
  const items = deliveries
    .map(
      (entry) =>
        `<article class="${escapeHtml(entry.status)}"><h2>${escapeHtml(entry.title)}</h2>` +
        `<p>${escapeHtml(entry.receivedAt)} to ${escapeHtml(entry.channel)}` +
        (/^https?:\/\//.test(entry.link)
          ? ` · <a href="${escapeHtml(entry.link)}">open in the console</a>`
          : '') +
        `</p><pre>${escapeHtml(entry.text)}</pre></article>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">
<title>ripio-webhooks alerts</title><style>body{font-family:sans-serif;margin:2rem}article{border-left:6px solid #d97706;
padding:0 1rem;margin:1rem 0}article.resolved{border-color:#16a34a}pre{white-space:pre-wrap}</style></head><body>
<h1>Alerts delivered by Alertmanager</h1><p>${deliveries.length} kept, newest first; refreshes every 10 s.</p>
${items || '<p>None yet.</p>'}</body></html>`;
}

function readJson(request) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

function answer(response, status, type, body) {
  response.writeHead(status, { 'content-type': type });
  response.end(body);
}

const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://sink').pathname;
  if (request.method === 'GET' && path === '/healthz') return answer(response, 200, 'text/plain', 'ok\n');
  if (request.method === 'GET' && path === '/alerts') {
    return answer(response, 200, 'application/json', JSON.stringify({ deliveries }));
  }
  if (request.method === 'GET' && path === '/')
    return answer(response, 200, 'text/html; charset=utf-8', page());
  const slack = /^\/slack\/([\w-]+)$/.exec(path);
  if (request.method === 'POST' && (slack !== null || path === '/alertmanager')) {
    readJson(request).then(
      (body) => {
        record(slack !== null ? fromSlack(slack[1], body) : fromWebhook(body));
        answer(response, 200, 'text/plain', 'ok\n');
      },
      (error) => answer(response, 400, 'text/plain', `unreadable delivery: ${error.message}\n`),
    );
    return undefined;
  }
  return answer(response, 404, 'text/plain', 'not found\n');
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(
    `[alert-sink] listening on http://${host}:${address.port}/ (keeps the last ${keep} deliveries)`,
  );
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
