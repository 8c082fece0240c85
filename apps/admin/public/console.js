// The admin console: plain JavaScript over the JSON API. Every value from the server is written with
// textContent (never innerHTML), so payloads and error messages cannot inject markup.
'use strict';

const REFRESH_MS = 5000;

function $(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`missing element #${id}`);
  return node;
}

/** Creates an element with text content and attributes (no HTML parsing). */
function el(tag, text, attributes) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  return node;
}

async function api(method, path, payload) {
  const response = await fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    credentials: 'same-origin',
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  if (response.status === 401) {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
    throw new Error('signed out');
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return { status: response.status, ok: response.ok, body };
}

function errorText(result) {
  return result.body && typeof result.body.error === 'string' ? result.body.error : `HTTP ${result.status}`;
}

function sum(values) {
  return Object.values(values || {}).reduce((total, value) => total + (Number(value) || 0), 0);
}

function formatAge(seconds) {
  if (!seconds) return '';
  if (seconds < 120) return `(oldest ${Math.round(seconds)} s)`;
  if (seconds < 7200) return `(oldest ${Math.round(seconds / 60)} min)`;
  return `(oldest ${Math.round(seconds / 3600)} h)`;
}

// ---- live counters ----

async function refreshCounters() {
  try {
    const result = await api('GET', '/api/stats');
    if (!result.ok) throw new Error(errorText(result));
    const stats = result.body;
    const events = stats.queues.events;
    const backlog = events.waiting + events.delayed + events.active + events.prioritized;
    $('counter-intake').textContent = String(sum(events));
    $('counter-processed').textContent = String(sum(stats.outcomesLastHour));
    $('counter-backlog').textContent = String(backlog);
    $('counter-oldest').textContent = formatAge(stats.oldestWaitingAgeSeconds);
    $('counter-dlq').textContent = String(sum(stats.deadLetterByReason));
    const outcomes = Object.entries(stats.outcomesLastHour)
      .filter(([, count]) => count > 0)
      .map(([outcome, count]) => `${outcome} ${count}`)
      .join(' · ');
    $('counters-status').textContent =
      `Updated ${new Date().toLocaleTimeString()}${outcomes ? ` — last hour: ${outcomes}` : ''}`;
  } catch (error) {
    $('counters-status').textContent = `Counters unavailable: ${error.message}`;
  }
}

// ---- entity lookup ----

/** `NEW → A` / `A → B` for an applied event; `stays A` for one that changed nothing (late, conflict, duplicate). */
function describeMove(item) {
  if (item.outcome === 'applied') return `${item.fromStatus || 'NEW'} → ${item.toStatus || '–'}`;
  return `stays ${item.fromStatus || item.toStatus || 'NEW'}`;
}

function showEntity(entity) {
  const box = $('entity-result');
  box.replaceChildren();
  const header = el('div', null, { class: 'entity-header' });
  header.append(
    el('span', entity.kind, { class: 'kind' }),
    el('code', entity.id, { id: 'entity-id-shown' }),
    el('span', entity.status || '(no status yet)', { class: 'status', id: 'entity-status' }),
    el('span', `version ${entity.version}`, { class: 'muted' }),
  );
  const times = el('p', `created ${entity.createdAt} · updated ${entity.updatedAt}`, { class: 'muted' });
  const timeline = el('ol', null, { class: 'timeline', id: 'entity-timeline' });
  for (const item of entity.history || []) {
    const row = el('li', null, { class: `outcome-${item.outcome}` });
    row.append(
      el('span', item.outcome, { class: 'badge' }),
      el('strong', item.eventType),
      el('span', describeMove(item), { class: 'move' }),
      el(
        'span',
        `issued ${item.issueDatetime} · received ${item.receivedAt} · processed ${item.processedAt}`,
        {
          class: 'muted',
        },
      ),
    );
    timeline.append(row);
  }
  const fields = el('details');
  fields.append(
    el('summary', 'Fields of the latest applied event'),
    el('pre', JSON.stringify(entity.fields, null, 2)),
  );
  box.append(header, times);
  if (entity.onHold) box.append(holdPanel(entity));
  box.append(el('h3', 'Timeline (oldest first)'), timeline, fields);
}

async function lookUpEntity(event) {
  event.preventDefault();
  const kind = $('entity-kind').value;
  const id = $('entity-id').value.trim();
  if (!id) return;
  const box = $('entity-result');
  box.replaceChildren(el('p', 'Looking up…', { class: 'muted' }));
  const result = await api('GET', `/api/entities/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`);
  if (result.ok) {
    showEntity(result.body);
    history.replaceState(null, '', `#entity/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`);
  } else box.replaceChildren(el('p', errorText(result), { class: 'error', id: 'entity-error' }));
}

// ---- dead-letter queue ----

let dlqCursor = undefined;

function dlqQuery(extra) {
  const params = new URLSearchParams();
  const reason = $('dlq-reason').value;
  const eventType = $('dlq-event-type').value.trim();
  if (reason) params.set('reason', reason);
  if (eventType) params.set('eventType', eventType);
  for (const [key, value] of Object.entries(extra || {}))
    if (value !== undefined) params.set(key, String(value));
  return params.toString();
}

function dlqMessage(text, kind) {
  const node = $('dlq-message');
  node.textContent = text;
  node.className = kind || '';
}

async function loadDeadLetters(append) {
  if (!append) dlqCursor = undefined;
  const result = await api('GET', `/api/dead-letter?${dlqQuery({ limit: 50, cursor: dlqCursor })}`);
  const rows = $('dlq-rows');
  if (!result.ok) {
    dlqMessage(errorText(result), 'error');
    return;
  }
  if (!append) rows.replaceChildren();
  for (const entry of result.body.entries) {
    const row = el('tr', null, { 'data-id': entry.id });
    const open = el('button', entry.id, { type: 'button', class: 'link entry-link' });
    open.addEventListener('click', () => void openDeadLetter(entry.id));
    const first = el('td');
    first.append(open);
    row.append(
      first,
      el('td', entry.eventType),
      el('td', entry.reason, { class: `reason-${entry.reason}` }),
      el('td', entry.attemptsMade),
      el('td', entry.deadLetteredAt),
      el('td', entry.holds ? `${entry.holds.kind}/${entry.holds.id} (${entry.holds.parked} parked)` : '', {
        class: 'holds-cell',
      }),
      el('td', entry.error.length > 120 ? `${entry.error.slice(0, 119)}…` : entry.error, {
        class: 'error-cell',
      }),
    );
    rows.append(row);
  }
  dlqCursor = result.body.nextCursor;
  $('dlq-more').hidden = dlqCursor === undefined;
  if (!append && result.body.entries.length === 0) dlqMessage('No dead-lettered events match.', 'muted');
}

async function openDeadLetter(id) {
  const result = await api('GET', `/api/dead-letter/${encodeURIComponent(id)}`);
  if (!result.ok) {
    dlqMessage(errorText(result), 'error');
    return;
  }
  const entry = result.body;
  $('dlq-detail').hidden = false;
  $('dlq-detail').dataset.id = entry.id;
  $('dlq-detail-id').textContent = entry.id;
  const fields = $('dlq-detail-fields');
  fields.replaceChildren();
  const facts = [
    ['Event type', entry.eventType],
    ['Event key', entry.eventKey],
    ['Reason', entry.reason],
    ['Attempts', entry.attemptsMade],
    ['Received', entry.receivedAt],
    ['First failure', entry.firstFailedAt],
    ['Last failure', entry.lastFailedAt],
    ['Dead-lettered', entry.deadLetteredAt],
  ];
  for (const [name, value] of facts) fields.append(el('dt', name), el('dd', value));
  $('dlq-detail-error').textContent = entry.error;
  $('dlq-detail-payload').textContent =
    typeof entry.payload === 'string' ? entry.payload : JSON.stringify(entry.payload, null, 2);
  $('dlq-detail').scrollIntoView({ block: 'nearest' });
}

function describeReplay(report) {
  if (report.result === 'missing') return `${report.id}: no such entry (already replayed or deleted?)`;
  if (report.previousOutcome) {
    return `Replayed ${report.id}. This event was already processed (${report.previousOutcome}): the replay is a duplicate and changes nothing.`;
  }
  return `Replayed ${report.id}: it is back on the events queue.`;
}

async function replaySelected() {
  const id = $('dlq-detail').dataset.id;
  if (!id) return;
  const result = await api('POST', `/api/dead-letter/${encodeURIComponent(id)}/replay`);
  dlqMessage(result.ok ? describeReplay(result.body) : errorText(result), result.ok ? 'ok' : 'error');
  $('dlq-detail').hidden = true;
  await Promise.all([loadDeadLetters(false), refreshCounters()]);
}

async function deleteSelected() {
  const id = $('dlq-detail').dataset.id;
  if (!id || !window.confirm(`Delete dead-letter entry ${id} for good?`)) return;
  const result = await api('DELETE', `/api/dead-letter/${encodeURIComponent(id)}`);
  dlqMessage(result.ok ? `Deleted ${id}.` : errorText(result), result.ok ? 'ok' : 'error');
  $('dlq-detail').hidden = true;
  await Promise.all([loadDeadLetters(false), refreshCounters()]);
}

async function replayAllMatching() {
  if (!window.confirm('Replay every matching entry (at most 100 at a time)?')) return;
  const result = await api('POST', `/api/dead-letter/replay?${dlqQuery({ max: 100 })}`);
  if (!result.ok) dlqMessage(errorText(result), 'error');
  else {
    const duplicates = result.body.results.filter((report) => report.previousOutcome).length;
    dlqMessage(
      `Replayed ${result.body.replayed} entries${duplicates ? ` (${duplicates} already processed: duplicates)` : ''}` +
        `${result.body.more ? '; more may match, replay again' : ''}.`,
      'ok',
    );
  }
  await Promise.all([loadDeadLetters(false), refreshCounters()]);
}

// ---- wiring ----

function openFromHash() {
  const match = /^#entity\/([^/]+)\/(.+)$/.exec(window.location.hash);
  if (!match) return;
  $('entity-kind').value = decodeURIComponent(match[1]);
  $('entity-id').value = decodeURIComponent(match[2]);
  $('entity-form').requestSubmit();
}

document.addEventListener('DOMContentLoaded', () => {
  $('entity-form').addEventListener('submit', (event) => void lookUpEntity(event));
  $('dlq-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    dlqMessage('');
    void loadDeadLetters(false);
  });
  $('dlq-more').addEventListener('click', () => void loadDeadLetters(true));
  $('dlq-replay-all').addEventListener('click', () => void replayAllMatching());
  $('dlq-detail-replay').addEventListener('click', () => void replaySelected());
  $('dlq-detail-delete').addEventListener('click', () => void deleteSelected());
  $('dlq-detail-close').addEventListener('click', () => ($('dlq-detail').hidden = true));
  void refreshCounters();
  void loadDeadLetters(false);
  openFromHash();
  setInterval(() => void refreshCounters(), REFRESH_MS);
});
