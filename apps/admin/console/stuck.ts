import type { StuckListing } from '@ripio-webhooks/contracts';
import { api, errorText } from './api-client.js';
import { $, el } from './dom.js';

/** `3d 4h`, `2h 5m`, `7m`, `40s`: an age in its largest unit and the next (as the CLI shows it). */
function age(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const plus = (amount: number, unit: string) => (amount > 0 ? ` ${amount}${unit}` : '');
  if (days > 0) return `${days}d${plus(hours, 'h')}`;
  if (hours > 0) return `${hours}h${plus(minutes, 'm')}`;
  return minutes > 0 ? `${minutes}m` : `${Math.floor(seconds)}s`;
}

/** The stuck-entities table: each row links to the entity's view. */
export async function loadStuck(): Promise<void> {
  const rows = $('stuck-rows');
  const message = $('stuck-message');
  const answer = await api<StuckListing>('GET', '/api/entities/stuck?limit=200');
  rows.replaceChildren();
  if (!answer.ok) {
    message.textContent = errorText(answer);
    message.className = 'error';
    return;
  }
  const { entities, truncated } = answer.body;
  message.className = 'muted';
  message.textContent =
    entities.length === 0
      ? 'No entity has stayed in a status longer than its STUCK_AFTER.'
      : `${entities.length}${truncated ? '+' : ''} stuck, oldest first.`;
  for (const entity of entities) {
    const link = el('a', entity.id, {
      href: `#entity/${encodeURIComponent(entity.kind)}/${encodeURIComponent(entity.id)}`,
    });
    const idCell = el('td');
    idCell.append(link);
    const row = el('tr');
    row.append(
      el('td', entity.kind),
      idCell,
      el('td', entity.status),
      el('td', age(entity.ageSeconds)),
      el('td', `> ${age(entity.thresholdSeconds)}`),
      el('td', entity.since),
    );
    rows.append(row);
  }
}

export function wireStuck(): void {
  $('stuck-refresh').addEventListener('click', () => void loadStuck());
}
