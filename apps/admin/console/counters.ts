import type { Stats } from '@ripio-webhooks/contracts';
import { api, errorText } from './api-client.js';
import { $ } from './dom.js';

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

export async function refreshCounters(): Promise<void> {
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
