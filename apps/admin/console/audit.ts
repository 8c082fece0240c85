import type { AuditPage, WhoAmI } from '@ripio-webhooks/contracts';
import { api, errorText } from './api-client.js';
import { $, el, input } from './dom.js';

let auditCursor: string | undefined;

function auditQuery(): string {
  const params = new URLSearchParams({ limit: '50' });
  const operator = input('audit-operator').value.trim();
  const action = input('audit-action').value.trim();
  if (operator) params.set('operator', operator);
  if (action) params.set('action', action);
  if (auditCursor !== undefined) params.set('cursor', auditCursor);
  return params.toString();
}

/** The audit log, newest first, a page at a time. */
export async function loadAudit(append: boolean): Promise<void> {
  if (!append) auditCursor = undefined;
  const answer = await api<AuditPage>('GET', `/api/audit?${auditQuery()}`);
  const message = $('audit-message');
  if (!answer.ok) {
    message.textContent = errorText(answer);
    message.className = 'error';
    return;
  }
  const rows = $('audit-rows');
  if (!append) rows.replaceChildren();
  for (const entry of answer.body.entries) {
    const row = el('tr', null, { 'data-action': entry.action });
    rows.append(row);
    row.append(
      el('td', entry.at),
      el('td', `${entry.operator} (${entry.role}, ${entry.via})`),
      el('td', entry.action),
      el('td', entry.target),
      el('td', entry.outcome),
      el('td', entry.reason ?? ''),
    );
  }
  auditCursor = answer.body.nextCursor;
  $('audit-more').hidden = auditCursor === undefined;
  message.textContent = !append && answer.body.entries.length === 0 ? 'No audit entries match.' : '';
  message.className = 'muted';
}

/** Who is signed in, shown in the header. */
export async function showWhoAmI(): Promise<void> {
  const answer = await api<WhoAmI>('GET', '/api/me');
  if (answer.ok) $('whoami').textContent = `${answer.body.operator} (${answer.body.role})`;
}

export function wireAudit(): void {
  $('audit-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void loadAudit(false);
  });
  $('audit-more').addEventListener('click', () => void loadAudit(true));
}
