import type { EventPage, LoggedEvent, LoggedEventDetail } from '@ripio-webhooks/contracts';
import { api, errorText } from './api-client.js';
import { $, el, input } from './dom.js';

let eventsCursor: string | undefined;

/** The filter inputs, by query parameter. */
const FILTER_INPUTS = [
  ['eventType', 'events-type'],
  ['kind', 'events-kind'],
  ['entityId', 'events-entity-id'],
  ['customerId', 'events-customer-id'],
  ['outcome', 'events-outcome'],
  ['from', 'events-from'],
  ['to', 'events-to'],
  ['receivedFrom', 'events-received-from'],
  ['receivedTo', 'events-received-to'],
] as const;

/** The query of the filters; `match` holds one `path=value` per line or space-separated word. */
function eventsQuery(extra: Record<string, string | undefined> = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const [param, id] of FILTER_INPUTS) {
    const value = input(id).value.trim();
    if (value) params.set(param, value);
  }
  for (const match of input('events-match').value.split(/\s+/)) if (match) params.append('match', match);
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) params.set(key, value);
  return params;
}

function eventsMessage(text: string, kind = ''): void {
  const node = $('events-message');
  node.textContent = text;
  node.className = kind;
}

function eventRow(event: LoggedEvent): HTMLElement {
  const row = el('tr', null, { 'data-key': event.eventKey });
  const open = el('button', event.eventKey, { type: 'button', class: 'link event-link' });
  open.addEventListener('click', () => void openEvent(event.eventKey));
  const first = el('td');
  first.append(open);
  row.append(
    first,
    el('td', event.issuedAt),
    el('td', event.eventType ?? '–'),
    el('td', `${event.kind ?? '–'}/${event.entityId ?? '–'}`),
    el('td', event.customerId ?? '–'),
    el('td', event.outcome, { class: `outcome-${event.outcome}` }),
  );
  return row;
}

/** Searches with the filters (a new search, or the next page when `append`), and points the export links at it. */
export async function loadEvents(append: boolean): Promise<void> {
  if (!append) eventsCursor = undefined;
  const query = eventsQuery({ limit: '50', cursor: eventsCursor });
  const answer = await api<EventPage>('GET', `/api/events?${query.toString()}`);
  const rows = $('events-rows');
  if (!answer.ok) {
    if (!append) rows.replaceChildren();
    $('events-more').hidden = true;
    eventsMessage(errorText(answer), 'error');
    return;
  }
  eventsMessage('');
  if (!append) rows.replaceChildren();
  for (const event of answer.body.events) rows.append(eventRow(event));
  const { total } = answer.body;
  if (total !== null) $('events-total').textContent = `${total.exact ? '' : 'about '}${total.count} matching`;
  eventsCursor = answer.body.nextCursor;
  $('events-more').hidden = eventsCursor === undefined;
  const exportQuery = eventsQuery();
  for (const format of ['ndjson', 'csv'] as const) {
    exportQuery.set('format', format);
    $<HTMLAnchorElement>(`events-export-${format}`).href = `/api/events/export?${exportQuery.toString()}`;
  }
}

async function openEvent(eventKey: string): Promise<void> {
  const answer = await api<LoggedEventDetail>('GET', `/api/events/${encodeURIComponent(eventKey)}`);
  if (!answer.ok) {
    eventsMessage(errorText(answer), 'error');
    return;
  }
  const { body, rawBody, proof: _proof, ...fields } = answer.body;
  $('event-detail-key').textContent = answer.body.eventKey;
  const list = $('event-detail-fields');
  list.replaceChildren();
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'eventKey') continue;
    list.append(el('dt', name), el('dd', value === null ? '–' : String(value)));
  }
  $('event-detail-body').textContent = body === null ? rawBody : JSON.stringify(body, null, 2);
  $('event-detail').hidden = false;
}

export function wireEvents(): void {
  $('events-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void loadEvents(false);
  });
  $('events-more').addEventListener('click', () => void loadEvents(true));
  $('event-detail-close').addEventListener('click', () => {
    $('event-detail').hidden = true;
  });
}
