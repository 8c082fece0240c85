import type { ProcessingStatus } from '@ripio-webhooks/contracts';
import { api, errorText } from './api-client.js';
import { $, input } from './dom.js';

// ---- processing: paused by hand, and the circuit breaker ----

function describe(status: ProcessingStatus): string {
  const running = status.paused
    ? `Paused since ${status.pause?.since ?? '?'}${status.pause?.reason ? ` — ${status.pause.reason}` : ''}`
    : 'Running';
  const { breaker } = status;
  switch (breaker.mode) {
    case 'closed':
      return `${running}. Circuit breaker closed.`;
    case 'open':
      return (
        `${running}. Circuit breaker OPEN until ${new Date(breaker.untilMs).toLocaleTimeString()} ` +
        `(${breaker.reason}): no event is taken, none is dead-lettered.`
      );
    case 'half_open':
      return `${running}. Circuit breaker half-open: one event at a time probes the handlers (${breaker.reason}).`;
  }
}

function show(status: ProcessingStatus): void {
  $('processing-status').textContent = describe(status);
  $('processing-status').dataset.breaker = status.breaker.mode;
  $('processing-pause').hidden = status.paused;
  $('processing-resume').hidden = !status.paused;
}

export async function refreshProcessing(): Promise<void> {
  try {
    const answer = await api<ProcessingStatus>('GET', '/api/processing');
    if (!answer.ok) throw new Error(errorText(answer));
    show(answer.body);
  } catch (error) {
    $('processing-status').textContent = `Processing state unavailable: ${(error as Error).message}`;
  }
}

async function act(action: 'pause' | 'resume'): Promise<void> {
  const reason = input('processing-reason').value.trim();
  const answer = await api<ProcessingStatus>(
    'POST',
    `/api/processing/${action}`,
    reason === '' ? {} : { reason },
  );
  if (!answer.ok) {
    $('processing-status').textContent = `Could not ${action}: ${errorText(answer)}`;
    return;
  }
  input('processing-reason').value = '';
  show(answer.body);
}

export function wireProcessing(): void {
  $('processing-pause').addEventListener('click', () => void act('pause'));
  $('processing-resume').addEventListener('click', () => void act('resume'));
}
