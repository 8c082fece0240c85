import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import {
  EVENT_EXPORT_FORMATS,
  EVENT_LOG_OUTCOMES,
  EventExportFormat,
  EventLogOutcome,
  type EventPage,
  type LoggedEventDetail,
} from '@ripio-webhooks/contracts';
import type { EventSearchFilter } from '../admin-client.js';
import {
  adminClientFrom,
  adminFlags,
  numberOption,
  printJson,
  table,
  UsageError,
  type CommandContext,
} from './common.js';

const EVENTS_USAGE = `ripio-webhooks events <action> [filters] [--admin-url <url>] [--token <t>] [--json]

  list [--limit <n>] [--cursor <c>]   matching events, newest first (a total on the first page)
  show <event key>                    one event with its body as received
  export [--format ndjson|csv] [--out <file>]
                                      every matching event, oldest first, streamed to stdout or --out (any size)

Filters (all optional, combined with AND; the event log must be on, EVENT_LOG=postgres):
  --event-type <t>  --family <f>  --kind <k>  --entity-id <id>  --customer-id <id>
  --outcome <o>          one of ${EVENT_LOG_OUTCOMES.join(', ')}
  --from <iso> --to <iso>                    issue time (issueDatetime), from inclusive, to exclusive
  --received-from <iso> --received-to <iso>  receipt time, the same way
  --match <path=value>   body field equals value, e.g. transactionObject.status=COMPLETED (repeatable)`;

const eventsFlags = {
  ...adminFlags,
  'event-type': { type: 'string' },
  family: { type: 'string' },
  kind: { type: 'string' },
  'entity-id': { type: 'string' },
  'customer-id': { type: 'string' },
  outcome: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'received-from': { type: 'string' },
  'received-to': { type: 'string' },
  match: { type: 'string', multiple: true },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

type EventsValues = ReturnType<
  typeof parseArgs<{ options: typeof eventsFlags; allowPositionals: true }>
>['values'];

const FLAG_PARAMS = [
  ['event-type', 'eventType'],
  ['family', 'family'],
  ['kind', 'kind'],
  ['entity-id', 'entityId'],
  ['customer-id', 'customerId'],
  ['from', 'from'],
  ['to', 'to'],
  ['received-from', 'receivedFrom'],
  ['received-to', 'receivedTo'],
] as const;

function filterOf(values: EventsValues): EventSearchFilter {
  const filter: EventSearchFilter = {};
  for (const [flag, param] of FLAG_PARAMS) {
    const value = values[flag];
    if (value !== undefined) filter[param] = value;
  }
  if (values.outcome !== undefined) {
    const outcome = EventLogOutcome.safeParse(values.outcome);
    if (!outcome.success) {
      throw new UsageError(
        `--outcome must be one of ${EVENT_LOG_OUTCOMES.join(', ')}, got "${values.outcome}"`,
      );
    }
    filter.outcome = outcome.data;
  }
  if (values.match !== undefined) filter.match = values.match;
  return filter;
}

export async function eventsCommand(args: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: eventsFlags,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    context.io.out(EVENTS_USAGE);
    return 0;
  }
  const [action, ...rest] = positionals;
  switch (action) {
    case 'list':
      return list(values, context);
    case 'show': {
      const [eventKey] = rest;
      if (eventKey === undefined || rest.length > 1) throw new UsageError('usage: events show <event key>');
      const event = await adminClientFrom(values, context.env).event(eventKey);
      if (values.json) printJson(context.io, event);
      else context.io.out(formatEvent(event));
      return 0;
    }
    case 'export':
      return exportEvents(values, context);
    case undefined:
      throw new UsageError('events needs an action: list, show or export');
    default:
      throw new UsageError(`unknown events action "${action}" (list, show, export)`);
  }
}

async function list(values: EventsValues, { io, env }: CommandContext): Promise<number> {
  const limit = numberOption('limit', values.limit, { min: 1, max: 500, integer: true });
  const page = await adminClientFrom(values, env).events({
    ...filterOf(values),
    ...(limit === undefined ? {} : { limit }),
    ...(values.cursor === undefined ? {} : { cursor: values.cursor }),
  });
  if (values.json) printJson(io, page);
  else io.out(formatPage(page));
  return 0;
}

function formatPage(page: EventPage): string {
  const rows = page.events.map((event) => [
    event.issuedAt,
    event.eventType ?? '-',
    `${event.kind ?? '-'}/${event.entityId ?? '-'}`,
    event.outcome,
    event.customerId ?? '-',
    event.eventKey,
  ]);
  const lines = [table([['ISSUED', 'TYPE', 'ENTITY', 'OUTCOME', 'CUSTOMER', 'EVENT KEY'], ...rows])];
  if (page.total !== null) lines.push(`${page.total.exact ? '' : 'about '}${page.total.count} matching`);
  if (page.nextCursor !== undefined) lines.push(`more: --cursor ${page.nextCursor}`);
  return lines.join('\n');
}

function formatEvent(event: LoggedEventDetail): string {
  const { body, rawBody, proof: _proof, ...fields } = event;
  const lines = Object.entries(fields).map(
    ([key, value]) => `${key}: ${value === null ? '-' : String(value)}`,
  );
  lines.push('body:', body === null ? rawBody : JSON.stringify(body, null, 2));
  return lines.join('\n');
}

async function exportEvents(values: EventsValues, { io, env, stdout }: CommandContext): Promise<number> {
  const format = EventExportFormat.safeParse(values.format ?? 'ndjson');
  if (!format.success) throw new UsageError(`--format must be one of ${EVENT_EXPORT_FORMATS.join(', ')}`);
  const target = values.out === undefined ? stdout : createWriteStream(values.out);
  if (target === undefined) throw new UsageError('export: no standard output here, pass --out <file>');
  const body = await adminClientFrom(values, env).exportEvents({ ...filterOf(values), format: format.data });
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  // Backpressure end to end: the HTTP body is read only as fast as the file or stdout takes it.
  try {
    await pipeline(body, counter, target, { end: values.out !== undefined });
  } catch (error) {
    io.err(
      `export interrupted after ${bytes} bytes: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
  if (values.out !== undefined) io.err(`wrote ${bytes} bytes of ${format.data} to ${values.out}`);
  return 0;
}
