import type {
  BulkReplayReport,
  DeadLetterDetail,
  DeadLetterListing,
  ReplayReport,
} from '@ripio-webhooks/contracts';
import { api, errorText } from './api-client.js';
import { loadAudit } from './audit.js';
import { refreshCounters } from './counters.js';
import { $, el, input } from './dom.js';

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

export async function loadDeadLetters(append: boolean): Promise<void> {
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
  // After a replay or delete its result stays shown; the empty-list note is for a fresh listing only.
  if (!append && answer.body.entries.length === 0 && !$('dlq-message').textContent) {
    dlqMessage('No dead-lettered events match.', 'muted');
  }
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
  input('dlq-detail-reason').value = '';
  await Promise.all([loadDeadLetters(false), refreshCounters(), loadAudit(false)]);
}

/** The operator's reason typed next to the entry's buttons (kept in the audit log). */
function detailReason(): string {
  return input('dlq-detail-reason').value.trim();
}

async function replaySelected(): Promise<void> {
  const id = $('dlq-detail').dataset['id'];
  if (!id) return;
  const reason = detailReason();
  const answer = await api<ReplayReport>(
    'POST',
    `/api/dead-letter/${encodeURIComponent(id)}/replay`,
    reason ? { reason } : {},
  );
  dlqMessage(answer.ok ? describeReplay(answer.body) : errorText(answer), answer.ok ? 'ok' : 'error');
  await afterChange();
}

async function deleteSelected(): Promise<void> {
  const id = $('dlq-detail').dataset['id'];
  if (!id) return;
  const reason = detailReason();
  if (!reason) {
    dlqMessage('A reason is required to delete: it is kept in the audit log.', 'error');
    return;
  }
  if (!window.confirm(`Delete dead-letter entry ${id} for good?`)) return;
  const path = `/api/dead-letter/${encodeURIComponent(id)}?${new URLSearchParams({ reason }).toString()}`;
  const answer = await api<unknown>('DELETE', path);
  dlqMessage(answer.ok ? `Deleted ${id}.` : errorText(answer), answer.ok ? 'ok' : 'error');
  await afterChange();
}

async function replayAllMatching(): Promise<void> {
  if (!window.confirm('Replay every matching entry (at most 100 at a time)?')) return;
  // The bulk replay names its filter `deadLetterReason` (`reason` is the operator's, from the detail's field).
  const params = new URLSearchParams({ max: '100' });
  const deadLetterReason = input('dlq-reason').value;
  const eventType = input('dlq-event-type').value.trim();
  if (deadLetterReason) params.set('deadLetterReason', deadLetterReason);
  if (eventType) params.set('eventType', eventType);
  const answer = await api<BulkReplayReport>('POST', `/api/dead-letter/replay?${params.toString()}`);
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
  await Promise.all([loadDeadLetters(false), refreshCounters(), loadAudit(false)]);
}

/** The dead-letter section's filters, paging and detail buttons. */
export function wireDeadLetters(): void {
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
}
