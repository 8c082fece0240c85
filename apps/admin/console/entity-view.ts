import type { EntityHistoryEntry, EntityWithHistory } from '@ripio-webhooks/contracts';
import { api, errorText } from './api-client.js';
import { $, el, input } from './dom.js';
import { holdPanel } from './hold-panel.js';

/** `NEW → A` / `A → B` for an applied event; `stays A` for one that changed nothing (late, conflict, duplicate). */
function describeMove(item: EntityHistoryEntry): string {
  if (item.outcome === 'applied') return `${item.fromStatus ?? 'NEW'} → ${item.toStatus ?? '–'}`;
  return `stays ${item.fromStatus ?? item.toStatus ?? 'NEW'}`;
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
  if (entity.source === 'event-log') {
    const note =
      'From the event log: Redis no longer keeps this entity (retention expired it). ' +
      'No hold or conflict detail is kept there.';
    box.append(el('p', note, { class: 'muted', id: 'entity-source' }));
  }
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

export async function lookUpEntity(event: Event): Promise<void> {
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
