// The admin console's entity-hold panel (loaded before console.js, whose el, api and errorText it calls when an
// entity on hold is shown). Every value from the server is written with textContent, never innerHTML.
'use strict';

/** The hold of an entity: its blocker, the parked events (with payloads) and the release form. */
function holdPanel(entity) {
  const { hold } = entity;
  const panel = el('div', null, { class: 'hold', id: 'entity-hold' });
  const error = hold.lastError ? ` · last error: ${hold.lastError}` : '';
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
  form.addEventListener('submit', (event) => void releaseHold(event, entity, reason, message));
  panel.append(parked, form);
  return panel;
}

async function releaseHold(event, entity, reasonInput, message) {
  event.preventDefault();
  const action = event.submitter ? event.submitter.value : 'skip';
  const reason = reasonInput.value.trim();
  if (!reason) {
    message.textContent = 'A reason is required: it is recorded in the history.';
    message.className = 'error';
    return;
  }
  const path = `/api/entities/${encodeURIComponent(entity.kind)}/${encodeURIComponent(entity.id)}/release`;
  const result = await api('POST', path, { eventKey: entity.hold.blocker, action, reason });
  message.textContent = result.ok
    ? `Released (${action}). ${result.body.nextBlocker ? 'The parked events are being applied.' : 'The hold has ended.'}`
    : errorText(result);
  message.className = result.ok ? 'ok' : 'error';
}
