import { z } from 'zod';
import { table } from './common.js';

const text = z.string().nullable().optional();

const HoldView = z.looseObject({
  blocker: z.string(),
  blockerType: text,
  state: text,
  since: text,
  attempts: z.number().optional(),
  lastError: text,
});

export const EntityView = z.looseObject({
  kind: z.string(),
  id: z.string(),
  /** null: on hold before its first event applied. */
  status: z.string().nullable(),
  onHold: z.boolean().optional(),
  hold: HoldView.nullable().optional(),
  parked: z
    .array(z.looseObject({ eventKey: z.string(), eventType: text, receivedAt: text, issueDatetime: text }))
    .default([]),
  version: z.number(),
  createdAt: text,
  updatedAt: text,
  fields: z.record(z.string(), z.unknown()).optional(),
  history: z
    .array(
      z.looseObject({
        eventType: text,
        issueDatetime: text,
        processedAt: text,
        outcome: text,
        fromStatus: text,
        toStatus: text,
      }),
    )
    .default([]),
});

export const DeadLetterView = z.looseObject({
  id: z.string(),
  eventKey: text,
  eventType: text,
  reason: text,
  error: text,
  attemptsMade: z.number().optional(),
  deadLetteredAt: text,
  firstFailedAt: text,
  lastFailedAt: text,
  receivedAt: text,
  payload: z.unknown().optional(),
  /** The entity this entry holds (its later events parked behind it), or null. */
  holds: z.looseObject({ kind: z.string(), id: z.string(), parked: z.number() }).nullable().optional(),
});

export const DeadLetterPage = z.looseObject({
  entries: z.array(DeadLetterView),
  nextCursor: z.string().nullable().optional(),
});

const show = (value: string | null | undefined): string => value ?? '-';

/** The hold lines of an entity on hold: its blocker and the events parked behind it. */
function formatHold(entity: z.infer<typeof EntityView>): string[] {
  const { hold } = entity;
  if (hold == null) return [];
  const error = hold.lastError == null ? '' : `, last error: ${truncate(hold.lastError, 80)}`;
  return [
    `ON HOLD  behind ${hold.blocker} (${show(hold.blockerType)})`,
    `         ${show(hold.state)} since ${show(hold.since)}, ${hold.attempts ?? 0} failed attempts${error}`,
    `parked   ${entity.parked.length} events, applied in this order once the hold ends:`,
    table([
      ['received at', 'event', 'issued at', 'event key'],
      ...entity.parked.map((item) => [
        show(item.receivedAt),
        show(item.eventType),
        show(item.issueDatetime),
        item.eventKey,
      ]),
    ]),
    '',
  ];
}

export function formatEntity(entity: z.infer<typeof EntityView>): string {
  const lines = [
    `${entity.kind} ${entity.id}`,
    ...formatHold(entity),
    `status   ${entity.status ?? '(none yet)'}  (version ${entity.version})`,
    `created  ${show(entity.createdAt)}`,
    `updated  ${show(entity.updatedAt)}`,
    '',
    'timeline (oldest first):',
    table([
      ['processed at', 'event', 'issued at', 'outcome', 'move'],
      ...entity.history.map((item) => [
        show(item.processedAt),
        show(item.eventType),
        show(item.issueDatetime),
        show(item.outcome),
        describeMove(item.outcome, item.fromStatus, item.toStatus),
      ]),
    ]),
  ];
  return lines.join('\n');
}

/** `NEW -> A` / `A -> B` for an applied event; `stays A` for one that changed nothing. */
function describeMove(
  outcome: string | null | undefined,
  from: string | null | undefined,
  to: string | null | undefined,
): string {
  if (outcome === 'applied') return `${from ?? 'NEW'} -> ${show(to)}`;
  return `stays ${from ?? to ?? 'NEW'}`;
}

export function formatDeadLetters(page: z.infer<typeof DeadLetterPage>): string {
  if (page.entries.length === 0) return 'the dead-letter queue is empty (for these filters)';
  const rows = page.entries.map((entry) => [
    entry.id,
    show(entry.eventType),
    show(entry.reason),
    entry.attemptsMade === undefined ? '-' : String(entry.attemptsMade),
    show(entry.deadLetteredAt),
    entry.holds == null ? '-' : `${entry.holds.kind}/${entry.holds.id} (${entry.holds.parked} parked)`,
    truncate(show(entry.error), 60),
  ]);
  const more = page.nextCursor != null ? `\nmore: --cursor ${page.nextCursor}` : '';
  const header = ['id', 'event type', 'reason', 'attempts', 'dead-lettered at', 'holds', 'error'];
  return table([header, ...rows]) + more;
}

export function formatDeadLetter(entry: z.infer<typeof DeadLetterView>): string {
  return [
    `id             ${entry.id}`,
    `event type     ${show(entry.eventType)}`,
    `reason         ${show(entry.reason)}`,
    `attempts       ${entry.attemptsMade ?? '-'}`,
    `received at    ${show(entry.receivedAt)}`,
    `first failure  ${show(entry.firstFailedAt)}`,
    `last failure   ${show(entry.lastFailedAt)}`,
    `dead-lettered  ${show(entry.deadLetteredAt)}`,
    `error          ${show(entry.error)}`,
    'payload:',
    typeof entry.payload === 'string' ? entry.payload : JSON.stringify(entry.payload, null, 2),
  ].join('\n');
}

function truncate(value: string, length: number): string {
  const oneLine = value.replace(/\s+/g, ' ');
  return oneLine.length > length ? `${oneLine.slice(0, length - 1)}…` : oneLine;
}

/** Any JSON value as indented `key: value` lines (for stats, whose shape the server owns). */
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
