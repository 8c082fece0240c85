// Over 250 lines: the console ships as one static module (tsc output, no bundler), so its views share a file.
// The admin console over the JSON API. The answers' types come from @ripio-webhooks/contracts (erased at
// compile time), so a change of the API's shape fails this file's typecheck. Every value from the server is
// written with textContent (never innerHTML), so payloads and error messages cannot inject markup.
import type {
  BulkReplayReport,
  DeadLetterDetail,
  DeadLetterListing,
  EntityHistoryEntry,
  EntityWithHistory,
  ReleaseReport,
  ReplayReport,
  Stats,
} from '@ripio-webhooks/contracts';

const REFRESH_MS = 5000;

function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`missing element #${id}`);
  return node as T;
}
const input = (id: string): HTMLInputElement | HTMLSelectElement => $<HTMLInputElement>(id);

/** Creates an element with text content and attributes (no HTML parsing). */
function el(
  tag: string,
  text?: string | number | null,
  attributes: Record<string, string> = {},
): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** An answer of the API: its contract type when the status is 2xx, the error body otherwise. */
type Answer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; body: unknown };

async function api<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  payload?: unknown,
): Promise<Answer<T>> {
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
  const body: unknown = await response.json().catch(() => null);
  return response.ok
    ? { ok: true, status: response.status, body: body as T }
    : { ok: false, status: response.status, body };
}

function errorText(answer: { status: number; body: unknown }): string {
  const { body } = answer;
  const error = typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined;
  return typeof error === 'string' ? error : `HTTP ${answer.status}`;
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((total, value) => total + value, 0);
}

function formatAge(seconds: number): string {
  if (!seconds) return '';
  if (seconds < 120) return `(oldest ${Math.round(seconds)} s)`;
  if (seconds < 7200) return `(oldest ${Math.round(seconds / 60)} min)`;
  return `(oldest ${Math.round(seconds / 3600)} h)`;
}

// ---- live counters ----

async function refreshCounters(): Promise<void> {
  try {
    const answer = await api<Stats>('GET', '/api/stats');
    if (!answer.ok) throw new Error(errorText(answer));
    const stats = answer.body;
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
    $('counters-status').textContent = `Counters unavailable: ${(error as Error).message}`;
  }
}

// ---- entity lookup ----

/** `NEW → A` / `A → B` for an applied event; `stays A` for one that changed nothing (late, conflict, duplicate). */
function describeMove(item: EntityHistoryEntry): string {
  if (item.outcome === 'applied') return `${item.fromStatus ?? 'NEW'} → ${item.toStatus ?? '–'}`;
  return `stays ${item.fromStatus ?? item.toStatus ?? 'NEW'}`;
}

/** The hold of an entity: its blocker, the parked events (with payloads) and the release form. */
function holdPanel(
  entity: EntityWithHistory & { hold: NonNullable<EntityWithHistory['hold']> },
): HTMLElement {
  const { hold } = entity;
  const panel = el('div', null, { class: 'hold', id: 'entity-hold' });
  const error = hold.lastError === undefined ? '' : ` · last error: ${hold.lastError}`;
  const blocker = el('p', 'Blocking event: ');
  blocker.append(el('code', hold.blocker, { id: 'entity-hold-blocker' }));
  panel.append(
    el('h3', `On hold behind ${hold.blockerType}`),
    el('p', `${hold.state} since ${hold.since} · ${hold.attempts} failed attempts${error}`, {
      class: 'muted',
    }),
    blocker,
    el('p', `${entity.parked.length} events parked, applied in this order once the hold ends:`),
  );
  const parked = el('ol', null, { class: 'timeline', id: 'entity-parked' });
  for (const item of entity.parked) {
    const row = el('li', null, { class: 'outcome-parked' });
    const payload = el('details');
    payload.append(el('summary', 'payload'), el('pre', JSON.stringify(item.payload, null, 2)));
    row.append(
      el('span', 'parked', { class: 'badge' }),
      el('strong', item.eventType),
      el('span', `issued ${item.issueDatetime} · received ${item.receivedAt}`, { class: 'muted' }),
      payload,
    );
    parked.append(row);
  }
  const form = el('form', null, { id: 'entity-release' });
  const reason = el('input', null, {
    id: 'entity-release-reason',
    placeholder: 'reason (required)',
    size: '40',
  });
  const skip = el('button', 'Release: skip the blocker', { type: 'submit', value: 'skip' });
  const discard = el('button', 'Release: discard the blocker', {
    type: 'submit',
    value: 'discard',
    class: 'danger',
  });
  const message = el('p', null, { id: 'entity-release-message', 'aria-live': 'polite' });
  form.append(reason, skip, discard, message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const action = event.submitter?.getAttribute('value') === 'discard' ? 'discard' : 'skip';
    void releaseHold(entity, hold.blocker, action, (reason as HTMLInputElement).value.trim(), message);
  });
  panel.append(parked, form);
  return panel;
}

async function releaseHold(
  entity: EntityWithHistory,
  eventKey: string,
  action: 'discard' | 'skip',
  reason: string,
  message: HTMLElement,
): Promise<void> {
  if (!reason) {
    message.textContent = 'A reason is required: it is recorded in the history.';
    message.className = 'error';
    return;
  }
  const path = `/api/entities/${encodeURIComponent(entity.kind)}/${encodeURIComponent(entity.id)}/release`;
  const answer = await api<ReleaseReport>('POST', path, { eventKey, action, reason });
  message.textContent = answer.ok
    ? `Released (${action}). ${answer.body.nextBlocker ? 'The parked events are being applied.' : 'The hold has ended.'}`
    : errorText(answer);
  message.className = answer.ok ? 'ok' : 'error';
}

function showEntity(entity: EntityWithHistory): void {
  const box = $('entity-result');
  box.replaceChildren();
  const header = el('div', null, { class: 'entity-header' });
  header.append(
    el('span', entity.kind, { class: 'kind' }),
    el('code', entity.id, { id: 'entity-id-shown' }),
    el('span', entity.status ?? '(no status yet)', { class: 'status', id: 'entity-status' }),
    el('span', `version ${entity.version}`, { class: 'muted' }),
  );
  if (entity.cycle > 1) header.append(el('span', `deposit cycle ${entity.cycle}`, { class: 'muted' }));
  const times = el('p', `created ${entity.createdAt} · updated ${entity.updatedAt}`, { class: 'muted' });
  const conflicts = entity.lastConflict
    ? el(
        'p',
        `${entity.conflicts} conflict(s); latest: ${entity.lastConflict.eventType} (${entity.lastConflict.reason}, ` +
          `${entity.lastConflict.status} kept, ${entity.lastConflict.eventStatus} asked) at ` +
          entity.lastConflict.processedAt,
        { class: 'error', id: 'entity-conflicts' },
      )
    : null;
  const timeline = el('ol', null, { class: 'timeline', id: 'entity-timeline' });
  for (const item of entity.history) {
    const row = el('li', null, { class: `outcome-${item.outcome}` });
    row.append(
      el('span', item.conflictReason ? `${item.outcome}: ${item.conflictReason}` : item.outcome, {
        class: 'badge',
      }),
      el('strong', item.eventType),
      el('span', describeMove(item), { class: 'move' }),
      el(
        'span',
        `issued ${item.issueDatetime} · received ${item.receivedAt} · processed ${item.processedAt}`,
        {
          class: 'muted',
        },
      ),
      eventData(item),
    );
    timeline.append(row);
  }
  const fields = el('details');
  fields.append(
    el('summary', 'Fields of the latest applied event'),
    el('pre', JSON.stringify(entity.fields, null, 2)),
  );
  box.append(header, times, ...(conflicts ? [conflicts] : []));
  if (entity.hold !== null) box.append(holdPanel({ ...entity, hold: entity.hold }));
  box.append(el('h3', 'Timeline (oldest first)'), timeline, fields);
}

/** What Ripio sent in one event: its payload, a differing duplicate's raw body, or why there is none. */
function eventData(item: EntityHistoryEntry): HTMLElement {
  if (item.payload === undefined && item.rawBody === undefined) {
    const why =
      item.outcome === 'duplicate' ? 'same body as the first copy' : 'payload not kept (older entry)';
    return el('span', why, { class: 'muted' });
  }
  const data = el('details', null, { class: 'event-data' });
  data.append(
    el('summary', item.payload !== undefined ? 'What Ripio sent' : 'Body (differs from the first copy)'),
    el('pre', item.payload !== undefined ? JSON.stringify(item.payload, null, 2) : (item.rawBody ?? '')),
  );
  return data;
}

async function lookUpEntity(event: Event): Promise<void> {
  event.preventDefault();
  const kind = input('entity-kind').value;
  const id = input('entity-id').value.trim();
  if (!id) return;
  const box = $('entity-result');
  box.replaceChildren(el('p', 'Looking up…', { class: 'muted' }));
  const path = `/api/entities/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`;
  const answer = await api<EntityWithHistory>('GET', path);
  if (answer.ok) {
    showEntity(answer.body);
    history.replaceState(null, '', `#entity/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`);
  } else box.replaceChildren(el('p', errorText(answer), { class: 'error', id: 'entity-error' }));
}

// ---- dead-letter queue ----

let dlqCursor: string | undefined;

function dlqQuery(extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  const reason = input('dlq-reason').value;
  const eventType = input('dlq-event-type').value.trim();
  if (reason) params.set('reason', reason);
  if (eventType) params.set('eventType', eventType);
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) params.set(key, String(value));
  return params.toString();
}

function dlqMessage(text: string, kind = ''): void {
  const node = $('dlq-message');
  node.textContent = text;
  node.className = kind;
}

async function loadDeadLetters(append: boolean): Promise<void> {
  if (!append) dlqCursor = undefined;
  const answer = await api<DeadLetterListing>(
    'GET',
    `/api/dead-letter?${dlqQuery({ limit: 50, cursor: dlqCursor })}`,
  );
  const rows = $('dlq-rows');
  if (!answer.ok) {
    dlqMessage(errorText(answer), 'error');
    return;
  }
  if (!append) rows.replaceChildren();
  for (const entry of answer.body.entries) {
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
  dlqCursor = answer.body.nextCursor;
  $('dlq-more').hidden = dlqCursor === undefined;
  if (!append && answer.body.entries.length === 0) dlqMessage('No dead-lettered events match.', 'muted');
}

async function openDeadLetter(id: string): Promise<void> {
  const answer = await api<DeadLetterDetail>('GET', `/api/dead-letter/${encodeURIComponent(id)}`);
  if (!answer.ok) {
    dlqMessage(errorText(answer), 'error');
    return;
  }
  const entry = answer.body;
  const detail = $('dlq-detail');
  detail.hidden = false;
  detail.dataset['id'] = entry.id;
  $('dlq-detail-id').textContent = entry.id;
  const fields = $('dlq-detail-fields');
  fields.replaceChildren();
  const facts: [string, string | number][] = [
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
  detail.scrollIntoView({ block: 'nearest' });
}

function describeReplay(report: ReplayReport): string {
  switch (report.outcome) {
    case 'missing':
      return `${report.id}: no such entry (already replayed or deleted?)`;
    case 'replayed':
      return report.previousOutcome
        ? `Replayed ${report.id}. This event was already processed (${report.previousOutcome}): the replay is a duplicate and changes nothing.`
        : `Replayed ${report.id}: it is back on the events queue.`;
    default: {
      const never: never = report;
      return never;
    }
  }
}

async function afterChange(): Promise<void> {
  $('dlq-detail').hidden = true;
  await Promise.all([loadDeadLetters(false), refreshCounters()]);
}

async function replaySelected(): Promise<void> {
  const id = $('dlq-detail').dataset['id'];
  if (!id) return;
  const answer = await api<ReplayReport>('POST', `/api/dead-letter/${encodeURIComponent(id)}/replay`);
  dlqMessage(answer.ok ? describeReplay(answer.body) : errorText(answer), answer.ok ? 'ok' : 'error');
  await afterChange();
}

async function deleteSelected(): Promise<void> {
  const id = $('dlq-detail').dataset['id'];
  if (!id || !window.confirm(`Delete dead-letter entry ${id} for good?`)) return;
  const answer = await api<unknown>('DELETE', `/api/dead-letter/${encodeURIComponent(id)}`);
  dlqMessage(answer.ok ? `Deleted ${id}.` : errorText(answer), answer.ok ? 'ok' : 'error');
  await afterChange();
}

async function replayAllMatching(): Promise<void> {
  if (!window.confirm('Replay every matching entry (at most 100 at a time)?')) return;
  const answer = await api<BulkReplayReport>('POST', `/api/dead-letter/replay?${dlqQuery({ max: 100 })}`);
  if (!answer.ok) dlqMessage(errorText(answer), 'error');
  else {
    const { replayed, more, results } = answer.body;
    const duplicates = results.filter(
      (report) => report.outcome === 'replayed' && report.previousOutcome,
    ).length;
    dlqMessage(
      `Replayed ${replayed} entries${duplicates ? ` (${duplicates} already processed: duplicates)` : ''}` +
        `${more ? '; more may match, replay again' : ''}.`,
      'ok',
    );
  }
  await Promise.all([loadDeadLetters(false), refreshCounters()]);
}

// ---- wiring ----

function openFromHash(): void {
  const match = /^#entity\/([^/]+)\/(.+)$/.exec(window.location.hash);
  if (!match?.[1] || !match[2]) return;
  input('entity-kind').value = decodeURIComponent(match[1]);
  input('entity-id').value = decodeURIComponent(match[2]);
  $<HTMLFormElement>('entity-form').requestSubmit();
}

function start(): void {
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
}

// A module script runs after the document is parsed (it is deferred), so the elements exist.
start();
