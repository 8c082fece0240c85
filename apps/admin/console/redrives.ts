import type {
  CreateRedriveRequest,
  Redrive,
  RedriveDetail,
  RedriveDryRun,
  RedriveFilter,
  RedriveList,
} from '@ripio-webhooks/contracts';
import { api, errorText } from './api-client.js';
import { $, el, input } from './dom.js';

/** The request of the last dry run: "Start" sends exactly what the operator saw counted. */
let dryRunRequest: CreateRedriveRequest | undefined;

function message(text: string, kind = ''): void {
  const node = $('redrive-message');
  node.textContent = text;
  node.className = kind;
}

/** The form's filter: only the fields filled in (the API refuses an empty filter). */
function formFilter(): RedriveFilter {
  const text = (id: string): string | undefined => input(id).value.trim() || undefined;
  const time = (id: string): string | undefined => {
    const value = text(id);
    return value === undefined ? undefined : new Date(value).toISOString();
  };
  const keys = $<HTMLTextAreaElement>('redrive-event-keys')
    .value.split(/\s+/)
    .filter((key) => key !== '');
  const filter = {
    eventType: text('redrive-event-type'),
    family: text('redrive-family'),
    kind: text('redrive-kind'),
    entityId: text('redrive-entity-id'),
    outcome: text('redrive-outcome'),
    from: time('redrive-from'),
    to: time('redrive-to'),
    eventKeys: keys.length === 0 ? undefined : keys,
  };
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}

function formRequest(dryRun: boolean): CreateRedriveRequest {
  const handlers = input('redrive-handlers').value.trim();
  const reason = input('redrive-reason').value.trim();
  return {
    filter: formFilter(),
    handlers:
      handlers === '' || handlers === 'all'
        ? 'all'
        : handlers
            .split(',')
            .map((name) => name.trim())
            .filter((name) => name !== ''),
    ratePerSecond: Number(input('redrive-rate').value),
    dryRun,
    ...(reason === '' ? {} : { reason }),
  };
}

async function dryRun(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const request = formRequest(true);
  const answer = await api<RedriveDryRun>('POST', '/api/redrives', request);
  const start = $<HTMLButtonElement>('redrive-start');
  if (!answer.ok) {
    dryRunRequest = undefined;
    start.disabled = true;
    message(errorText(answer), 'error');
    return;
  }
  dryRunRequest = request;
  start.disabled = answer.body.count === 0;
  message(`${String(answer.body.count)} events match. Nothing has been run yet.`);
  const rows = $('redrive-sample-rows');
  rows.replaceChildren();
  for (const sample of answer.body.sample) {
    const row = el('tr');
    row.append(
      el('td', sample.issuedAt),
      el('td', `${sample.kind ?? '-'}/${sample.entityId ?? '-'}`),
      el('td', sample.eventType ?? '-'),
      el('td', sample.outcome),
      el('td', sample.eventKey),
    );
    rows.append(row);
  }
  $('redrive-sample').hidden = answer.body.sample.length === 0;
}

async function startRedrive(): Promise<void> {
  if (dryRunRequest === undefined) return;
  const answer = await api<Redrive>('POST', '/api/redrives', { ...dryRunRequest, dryRun: false });
  dryRunRequest = undefined;
  $<HTMLButtonElement>('redrive-start').disabled = true;
  $('redrive-sample').hidden = true;
  if (!answer.ok) {
    message(errorText(answer), 'error');
    return;
  }
  message(`Re-drive ${answer.body.id} queued: ${String(answer.body.total)} events.`, 'ok');
  await loadRedrives();
}

async function cancel(id: string): Promise<void> {
  const answer = await api<Redrive>('POST', `/api/redrives/${encodeURIComponent(id)}/cancel`, {});
  message(answer.ok ? `Re-drive ${id} cancelled.` : errorText(answer), answer.ok ? 'ok' : 'error');
  await loadRedrives();
}

const progress = (redrive: Redrive): string =>
  `${String(redrive.done)} done, ${String(redrive.failed)} failed, ${String(redrive.remaining)} remaining`;

function redriveRow(redrive: Redrive): HTMLElement {
  const row = el('tr', null, { 'data-id': redrive.id });
  const open = el('button', redrive.id, { type: 'button', class: 'link' });
  open.addEventListener('click', () => void showRedrive(redrive.id));
  const first = el('td');
  first.append(open);
  const actions = el('td');
  if (redrive.state === 'queued' || redrive.state === 'running') {
    const button = el('button', 'Cancel', { type: 'button', class: 'danger' });
    button.addEventListener('click', () => void cancel(redrive.id));
    actions.append(button);
  }
  row.append(
    first,
    el('td', redrive.state, { class: `redrive-${redrive.state}` }),
    el('td', progress(redrive)),
    el('td', `${String(redrive.ratePerSecond)}/s`),
    el('td', JSON.stringify(redrive.filter)),
    el('td', redrive.createdAt),
    el('td', redrive.reason ?? ''),
    actions,
  );
  return row;
}

/** Lists the re-drives with their progress (called on a timer while the page is open). */
export async function loadRedrives(): Promise<void> {
  const answer = await api<RedriveList>('GET', '/api/redrives');
  if (!answer.ok) {
    // With EVENT_LOG=off the section says why and stays idle.
    $('redrive-list-status').textContent = errorText(answer);
    return;
  }
  $('redrive-list-status').textContent = answer.body.redrives.length === 0 ? 'No re-drives yet.' : '';
  $('redrive-rows').replaceChildren(...answer.body.redrives.map(redriveRow));
}

async function showRedrive(id: string): Promise<void> {
  const answer = await api<RedriveDetail>('GET', `/api/redrives/${encodeURIComponent(id)}`);
  if (!answer.ok) {
    message(errorText(answer), 'error');
    return;
  }
  const redrive = answer.body;
  $('redrive-detail').hidden = false;
  $('redrive-detail-id').textContent = redrive.id;
  $('redrive-detail-summary').textContent =
    `${redrive.state}: ${progress(redrive)} of ${String(redrive.total)}; requested by ${redrive.requestedBy ?? '-'}` +
    (redrive.error === null ? '' : `; error: ${redrive.error}`);
  $('redrive-run-rows').replaceChildren(
    ...redrive.runs.map((run) => {
      const row = el('tr');
      row.append(
        el('td', run.at),
        el('td', run.eventKey),
        el('td', run.handler),
        el('td', run.result, { class: `run-${run.result}` }),
        el('td', run.error ?? ''),
      );
      return row;
    }),
  );
}

export function wireRedrives(): void {
  $('redrive-form').addEventListener('submit', (event) => void dryRun(event));
  $('redrive-start').addEventListener('click', () => void startRedrive());
  $('redrive-detail-close').addEventListener('click', () => ($('redrive-detail').hidden = true));
  // Any change to the form needs a new dry run before starting.
  $('redrive-form').addEventListener('input', () => {
    dryRunRequest = undefined;
    $<HTMLButtonElement>('redrive-start').disabled = true;
  });
}
