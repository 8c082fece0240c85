import type { EntityWithHistory, ReleaseReport } from '@ripio-webhooks/contracts';
import { api, errorText } from './api-client.js';
import { el } from './dom.js';

/** The hold of an entity: its blocker, the parked events (with payloads) and the release form. */
export function holdPanel(
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
