import { parseArgs } from 'node:util';
import { DEAD_LETTER_REASONS, DeadLetterReason, type ReplayReport } from '@ripio-webhooks/contracts';
import { AdminApiError, type AdminClient, type DeadLetterFilter } from '../admin-client.js';
import {
  adminClientFrom,
  adminFlags,
  numberOption,
  printJson,
  UsageError,
  type CommandContext,
  type Io,
} from './common.js';
import { formatDeadLetter, formatDeadLetters, formatTree } from './formatting.js';

const DLQ_USAGE = `ripio-webhooks dlq <action> [options] [--admin-url <url>] [--token <t>] [--json]

  list [--reason <r>] [--event-type <t>] [--limit <n>] [--cursor <c>]
                                 entries, newest first (reasons: ${DEAD_LETTER_REASONS.join(', ')})
  show <id>                      one entry with its error and original payload
  replay <id> [<id>...] [--note <why>]
                                 put entries back on the events queue
  replay --all [--reason <r>] [--event-type <t>] [--max <n>] [--note <why>]
                                 replay every matching entry (at most --max, default 100)
  purge <id> [<id>...] --note <why>
                                 delete entries
  purge --all [--reason <r>] [--event-type <t>] [--max <n>] --note <why> --yes
                                 delete every matching entry (at most --max, default 100)

--reason filters by dead-letter reason; --note is the operator's reason, kept in the audit log (required to purge).`;

const dlqFlags = {
  ...adminFlags,
  reason: { type: 'string' },
  'event-type': { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  max: { type: 'string' },
  note: { type: 'string' },
  all: { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
} as const;

type DlqValues = ReturnType<typeof parseArgs<{ options: typeof dlqFlags; allowPositionals: true }>>['values'];

export async function dlqCommand(args: readonly string[], { io, env }: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: dlqFlags,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(DLQ_USAGE);
    return 0;
  }
  const [action, ...ids] = positionals;
  switch (action) {
    case 'list':
      return list(adminClientFrom(values, env), values, io);
    case 'show': {
      const [id] = ids;
      if (id === undefined || ids.length > 1) throw new UsageError('usage: dlq show <id>');
      const entry = await adminClientFrom(values, env).deadLetter(id);
      if (values.json) printJson(io, entry);
      else io.out(formatDeadLetter(entry));
      return 0;
    }
    case 'replay':
      return replay(adminClientFrom(values, env), ids, values, io);
    case 'purge':
      return purge(adminClientFrom(values, env), ids, values, io);
    case undefined:
      throw new UsageError('dlq needs an action: list, show, replay or purge');
    default:
      throw new UsageError(`unknown dlq action "${action}" (list, show, replay, purge)`);
  }
}

function filters(values: DlqValues): DeadLetterFilter {
  return {
    ...(values.reason === undefined ? {} : { reason: reasonOption(values.reason) }),
    ...(values['event-type'] === undefined ? {} : { eventType: values['event-type'] }),
  };
}

function reasonOption(value: string): DeadLetterReason {
  const reason = DeadLetterReason.safeParse(value);
  if (reason.success) return reason.data;
  throw new UsageError(`--reason must be one of ${DEAD_LETTER_REASONS.join(', ')}, got "${value}"`);
}

async function list(client: AdminClient, values: DlqValues, io: Io): Promise<number> {
  const limit = numberOption('limit', values.limit, { min: 1, max: 500, integer: true });
  const page = await client.deadLetters({
    ...filters(values),
    ...(limit === undefined ? {} : { limit }),
    ...(values.cursor === undefined ? {} : { cursor: values.cursor }),
  });
  if (values.json) printJson(io, page);
  else io.out(formatDeadLetters(page));
  return 0;
}

function requireIdsOrAll(action: string, ids: readonly string[], values: DlqValues): void {
  if (ids.length > 0 && values.all) throw new UsageError(`dlq ${action}: give ids or --all, not both`);
  if (ids.length === 0 && !values.all) throw new UsageError(`dlq ${action}: give one or more ids, or --all`);
  if (ids.length > 0 && (values.reason !== undefined || values['event-type'] !== undefined)) {
    throw new UsageError(`dlq ${action}: --reason / --event-type only go with --all`);
  }
}

async function replay(
  client: AdminClient,
  ids: readonly string[],
  values: DlqValues,
  io: Io,
): Promise<number> {
  requireIdsOrAll('replay', ids, values);
  if (values.all) {
    const max = numberOption('max', values.max, { min: 1, max: 1000, integer: true }) ?? 100;
    const result = await client.replayMany({
      ...filters(values),
      max,
      ...(values.note === undefined ? {} : { note: values.note }),
    });
    if (values.json) printJson(io, result);
    else io.out(formatTree(result));
    return 0;
  }
  const results: ReplayReport[] = [];
  for (const id of ids) {
    const report = (await settle(() => client.replay(id, values.note))) ?? { id, outcome: 'missing' };
    results.push(report);
    if (!values.json) io.out(`${id}: ${report.outcome === 'missing' ? 'no such entry' : 'replayed'}`);
  }
  const missing = results.filter((report) => report.outcome === 'missing').length;
  if (values.json) printJson(io, results);
  return missing === 0 ? 0 : 1;
}

async function purge(
  client: AdminClient,
  ids: readonly string[],
  values: DlqValues,
  io: Io,
): Promise<number> {
  requireIdsOrAll('purge', ids, values);
  const note = values.note?.trim();
  if (note === undefined || note === '') {
    throw new UsageError('dlq purge needs --note <why> (kept in the audit log)');
  }
  let targets = [...ids];
  if (values.all) {
    if (!values.yes) throw new UsageError('dlq purge --all deletes entries for good: add --yes');
    const max = numberOption('max', values.max, { min: 1, max: 10_000, integer: true }) ?? 100;
    targets = await collectIds(client, values, max);
  }
  let deleted = 0;
  let missing = 0;
  for (const id of targets) {
    const report = await settle(() => client.remove(id, note));
    if (report === undefined) missing += 1;
    else deleted += 1;
    if (!values.json) io.out(`${id}: ${report === undefined ? 'no such entry' : 'deleted'}`);
  }
  if (values.json) printJson(io, { deleted, missing });
  else io.out(`deleted ${deleted}, missing ${missing}`);
  return missing > 0 && !values.all ? 1 : 0;
}

/** Ids of matching entries, page by page, at most `max`. */
async function collectIds(client: AdminClient, values: DlqValues, max: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  while (ids.length < max) {
    const page = await client.deadLetters({
      ...filters(values),
      limit: Math.min(500, max - ids.length),
      ...(cursor === undefined ? {} : { cursor }),
    });
    ids.push(...page.entries.map((entry) => entry.id));
    if (page.nextCursor === undefined || page.entries.length === 0) break;
    cursor = page.nextCursor;
  }
  return ids.slice(0, max);
}

/** Runs an admin call; a 404 (no such entry) becomes undefined, anything else is returned or thrown. */
async function settle<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 404) return undefined;
    throw error;
  }
}
