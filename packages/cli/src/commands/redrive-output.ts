import type { Redrive, RedriveDetail, RedriveDryRun } from '@ripio-webhooks/contracts';
import { table } from './common.js';

const progress = (redrive: Redrive): string =>
  `${String(redrive.done)} done, ${String(redrive.failed)} failed, ${String(redrive.remaining)} remaining of ${String(redrive.total)}`;

export function formatRedriveDryRun(answer: RedriveDryRun): string {
  const header = `${String(answer.count)} events match (dry run: nothing was changed)`;
  if (answer.sample.length === 0) return header;
  const rows = answer.sample.map((event) => [
    event.issuedAt,
    `${event.kind ?? '-'} ${event.entityId ?? '-'}`,
    event.eventType ?? '-',
    event.outcome,
    event.eventKey,
  ]);
  return `${header}; the first ${String(answer.sample.length)}, in run order:\n${table([
    ['ISSUED', 'ENTITY', 'TYPE', 'OUTCOME', 'EVENT KEY'],
    ...rows,
  ])}`;
}

export function formatRedrives(redrives: readonly Redrive[]): string {
  if (redrives.length === 0) return 'no re-drives';
  return table([
    ['ID', 'STATE', 'PROGRESS', 'RATE', 'CREATED', 'BY', 'REASON'],
    ...redrives.map((redrive) => [
      redrive.id,
      redrive.state,
      progress(redrive),
      `${String(redrive.ratePerSecond)}/s`,
      redrive.createdAt,
      redrive.requestedBy ?? '-',
      redrive.reason ?? '',
    ]),
  ]);
}

export function formatRedrive(redrive: Redrive | RedriveDetail): string {
  const lines = [
    `re-drive ${redrive.id}: ${redrive.state}, ${progress(redrive)}`,
    `filter: ${JSON.stringify(redrive.filter)}`,
    `handlers: ${redrive.handlers === 'all' ? 'all' : redrive.handlers.join(', ')} at ${String(redrive.ratePerSecond)}/s`,
    `requested by ${redrive.requestedBy ?? '-'} at ${redrive.createdAt}${redrive.reason === null ? '' : `: ${redrive.reason}`}`,
  ];
  if (redrive.error !== null) lines.push(`error: ${redrive.error}`);
  if ('runs' in redrive && redrive.runs.length > 0) {
    lines.push(
      'latest runs:',
      table(redrive.runs.map((run) => [run.at, run.result, run.handler, run.eventKey, run.error ?? ''])),
    );
  }
  return lines.join('\n');
}
