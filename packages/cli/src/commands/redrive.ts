import { parseArgs } from 'node:util';
import {
  MAX_REDRIVE_RATE,
  REDRIVE_OUTCOMES,
  type CreateRedriveRequest,
  type RedriveFilter,
  type RedriveHandlers,
} from '@ripio-webhooks/contracts';
import {
  adminClientFrom,
  adminFlags,
  numberOption,
  printJson,
  UsageError,
  type CommandContext,
} from './common.js';
import { formatRedrive, formatRedriveDryRun, formatRedrives } from './redrive-output.js';

const REDRIVE_USAGE = `ripio-webhooks redrive <action> [options] [--admin-url <url>] [--token <t>] [--json]

  create <filter...> [--handlers all|<name>,<name>] [--rate <per second>] [--reason <text>] [--dry-run]
      runs the handlers again for the events the filter selects (in the event log), in entity order, at the rate
      (default 10/s); --dry-run prints how many match and the first of them, and changes nothing.
      Filter: --event-type <t> --family <f> --kind <k> --entity-id <id> --outcome ${REDRIVE_OUTCOMES.join('|')}
              --from <ISO time> --to <ISO time> (issueDatetime, from inclusive, to exclusive)
              --event-key <key> (repeatable)
      Handlers by name: an event type, * (the wildcard) or forward (the built-in forwarder).
  list                 re-drives, newest first, with their progress
  show <id>            one re-drive: progress and its latest handler runs
  cancel <id>          stop a queued or running re-drive (the event in hand finishes)

Re-drives never change an entity: handlers see redrive: true in their context.`;

const redriveFlags = {
  ...adminFlags,
  'event-type': { type: 'string' },
  family: { type: 'string' },
  kind: { type: 'string' },
  'entity-id': { type: 'string' },
  outcome: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'event-key': { type: 'string', multiple: true },
  handlers: { type: 'string' },
  rate: { type: 'string' },
  reason: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof redriveFlags; allowPositionals: true }>
>['values'];

function filterOf(values: Values): RedriveFilter {
  const filter: Record<string, unknown> = {
    eventType: values['event-type'],
    family: values.family,
    kind: values.kind,
    entityId: values['entity-id'],
    outcome: values.outcome,
    from: values.from,
    to: values.to,
    eventKeys: values['event-key'],
  };
  const given = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
  if (Object.keys(given).length === 0) throw new UsageError('create needs at least one filter option');
  return given;
}

function handlersOf(value: string | undefined): RedriveHandlers {
  if (value === undefined || value === 'all') return 'all';
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new UsageError('--handlers needs all or a comma-separated list of names');
  return names;
}

function createRequest(values: Values): CreateRedriveRequest {
  const rate = numberOption('rate', values.rate, { min: 1, max: MAX_REDRIVE_RATE, integer: true });
  return {
    filter: filterOf(values),
    handlers: handlersOf(values.handlers),
    dryRun: values['dry-run'],
    ...(rate === undefined ? {} : { ratePerSecond: rate }),
    ...(values.reason === undefined ? {} : { reason: values.reason }),
  };
}

export async function redriveCommand(args: readonly string[], { io, env }: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: redriveFlags,
    allowPositionals: true,
  });
  if (values.help) {
    io.out(REDRIVE_USAGE);
    return 0;
  }
  const [action, id, ...extra] = positionals;
  const needsId = action === 'show' || action === 'cancel';
  if (extra.length > 0 || (needsId && id === undefined) || (!needsId && id !== undefined)) {
    throw new UsageError('usage: redrive create|list|show <id>|cancel <id>');
  }
  const show = (value: unknown, text: () => string): number => {
    if (values.json) printJson(io, value);
    else io.out(text());
    return 0;
  };
  const client = (): ReturnType<typeof adminClientFrom> => adminClientFrom(values, env);
  switch (action) {
    case 'create': {
      const answer = await client().createRedrive(createRequest(values));
      return show(answer, () => ('dryRun' in answer ? formatRedriveDryRun(answer) : formatRedrive(answer)));
    }
    case 'list': {
      const list = await client().redrives();
      return show(list, () => formatRedrives(list.redrives));
    }
    case 'show': {
      const redrive = await client().redrive(id ?? '');
      return show(redrive, () => formatRedrive(redrive));
    }
    case 'cancel': {
      const redrive = await client().cancelRedrive(id ?? '');
      return show(redrive, () => formatRedrive(redrive));
    }
    case undefined:
    default:
      throw new UsageError('usage: redrive create|list|show <id>|cancel <id>');
  }
}
