import type {
  DeadLetterDetail,
  DeadLetterListing,
  EntityHistoryEntry,
  EntityWithHistory,
} from '@ripio-webhooks/contracts';
import { table } from './common.js';

const show = (value: string | null | undefined): string => value ?? '-';

/** The hold lines of an entity on hold: its blocker and the events parked behind it. */
function formatHold({ hold, parked }: EntityWithHistory): string[] {
  if (hold === null) return [];
  const error = hold.lastError === undefined ? '' : `, last error: ${truncate(hold.lastError, 80)}`;
  return [
    `ON HOLD  behind ${hold.blocker} (${hold.blockerType})`,
    `         ${hold.state} since ${hold.since}, ${hold.attempts} failed attempts${error}`,
    `parked   ${parked.length} events, applied in this order once the hold ends:`,
    table([
      ['received at', 'event', 'issued at', 'event key'],
      ...parked.map((item) => [item.receivedAt, item.eventType, item.issueDatetime, item.eventKey]),
    ]),
    '',
  ];
}

export function formatEntity(entity: EntityWithHistory): string {
  const lines = [
    `${entity.kind} ${entity.id}`,
    ...formatHold(entity),
    `status   ${entity.status ?? '(none yet)'}  (version ${entity.version}${entity.cycle > 1 ? `, deposit cycle ${entity.cycle}` : ''})`,
    `created  ${show(entity.createdAt)}`,
    `updated  ${show(entity.updatedAt)}`,
    ...conflictLines(entity),
    '',
    'timeline (oldest first):',
    table([
      ['#', 'processed at', 'event', 'issued at', 'outcome', 'move'],
      ...entity.history.map((item, index) => [
        String(index + 1),
        item.processedAt,
        item.eventType,
        item.issueDatetime,
        item.conflictReason === undefined ? item.outcome : `${item.outcome} (${item.conflictReason})`,
        describeMove(item),
      ]),
    ]),
    '',
    'what Ripio sent (by timeline #):',
    ...entity.history.map((item, index) => `#${index + 1} ${describeData(item)}`),
  ];
  return lines.join('\n');
}

function conflictLines({ conflicts, lastConflict }: EntityWithHistory): string[] {
  if (conflicts === 0 || lastConflict === null) return [];
  return [
    `conflicts ${conflicts}, latest: ${lastConflict.eventType} (${lastConflict.reason}) at ${lastConflict.processedAt}`,
  ];
}

/** The event's payload as one line of JSON, a differing duplicate's raw body, or why there is none. */
function describeData(item: EntityHistoryEntry): string {
  if (item.payload !== undefined) return JSON.stringify(item.payload);
  if (item.rawBody !== undefined) return `(differs from the first copy) ${item.rawBody}`;
  return item.outcome === 'duplicate'
    ? '(same as the first copy)'
    : '(not kept: recorded before payloads were)';
}

/** `NEW -> A` / `A -> B` for an applied event; `stays A` for one that changed nothing. */
function describeMove({ outcome, fromStatus, toStatus }: EntityHistoryEntry): string {
  if (outcome === 'applied') return `${fromStatus ?? 'NEW'} -> ${show(toStatus)}`;
  return `stays ${fromStatus ?? toStatus ?? 'NEW'}`;
}

export function formatDeadLetters(page: DeadLetterListing): string {
  if (page.entries.length === 0) return 'the dead-letter queue is empty (for these filters)';
  const rows = page.entries.map((entry) => [
    entry.id,
    entry.eventType,
    entry.reason,
    String(entry.attemptsMade),
    entry.deadLetteredAt,
    entry.holds === null ? '-' : `${entry.holds.kind}/${entry.holds.id} (${entry.holds.parked} parked)`,
    truncate(entry.error, 60),
  ]);
  const more = page.nextCursor !== undefined ? `\nmore: --cursor ${page.nextCursor}` : '';
  const header = ['id', 'event type', 'reason', 'attempts', 'dead-lettered at', 'holds', 'error'];
  return table([header, ...rows]) + more;
}

export function formatDeadLetter(entry: DeadLetterDetail): string {
  return [
    `id             ${entry.id}`,
    `event type     ${entry.eventType}`,
    `reason         ${entry.reason}`,
    `attempts       ${entry.attemptsMade}`,
    `received at    ${entry.receivedAt}`,
    `first failure  ${entry.firstFailedAt}`,
    `last failure   ${entry.lastFailedAt}`,
    `dead-lettered  ${entry.deadLetteredAt}`,
    `error          ${entry.error}`,
    'payload:',
    typeof entry.payload === 'string' ? entry.payload : JSON.stringify(entry.payload, null, 2),
  ].join('\n');
}

function truncate(value: string, length: number): string {
  const oneLine = value.replace(/\s+/g, ' ');
  return oneLine.length > length ? `${oneLine.slice(0, length - 1)}…` : oneLine;
}

/** Any JSON value as indented `key: value` lines (stats and bulk-replay reports). */
export function formatTree(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return `${indent}${String(value)}`;
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  if (entries.length === 0) return `${indent}(none)`;
  return entries
    .map(([key, item]) =>
      item !== null && typeof item === 'object'
        ? `${indent}${key}:\n${formatTree(item, `${indent}  `)}`
        : `${indent}${key}: ${String(item)}`,
    )
    .join('\n');
}
