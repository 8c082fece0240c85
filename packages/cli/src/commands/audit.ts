import { parseArgs } from 'node:util';
import type { AuditEntry } from '@ripio-webhooks/contracts';
import type { AuditFilter } from '../admin-client.js';
import {
  adminClientFrom,
  adminFlags,
  numberOption,
  printJson,
  table,
  UsageError,
  type CommandContext,
} from './common.js';

const AUDIT_USAGE = `ripio-webhooks audit list [--operator <name>] [--action <a>] [--since <iso>] [--until <iso>]
                          [--limit <n>] [--cursor <c>] [--admin-url <url>] [--token <t>] [--json]

The audit log, newest first: who did what (replay, delete, release, operator changes, ...), when, why, to what,
and how it ended. Actions are dotted names such as dead-letter.delete, hold.release, operator.create.`;

const auditFlags = {
  ...adminFlags,
  operator: { type: 'string' },
  action: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
} as const;

function formatEntries(entries: readonly AuditEntry[], nextCursor: string | undefined): string {
  if (entries.length === 0) {
    return nextCursor === undefined
      ? 'no audit entries match'
      : `(none on this page; --cursor ${nextCursor})`;
  }
  const rows = entries.map((entry) => [
    entry.at,
    entry.operator,
    entry.action,
    entry.target,
    entry.outcome,
    entry.reason ?? '-',
  ]);
  const more = nextCursor === undefined ? '' : `\nmore: --cursor ${nextCursor}`;
  return `${table([['at', 'operator', 'action', 'target', 'outcome', 'reason'], ...rows])}${more}`;
}

export async function auditCommand(args: readonly string[], { io, env }: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: auditFlags,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(AUDIT_USAGE);
    return 0;
  }
  if (positionals[0] !== 'list' || positionals.length > 1) {
    throw new UsageError('usage: audit list [filters]');
  }
  const limit = numberOption('limit', values.limit, { min: 1, max: 500, integer: true });
  const filter: AuditFilter = {
    ...(values.operator === undefined ? {} : { operator: values.operator }),
    ...(values.action === undefined ? {} : { action: values.action }),
    ...(values.since === undefined ? {} : { since: values.since }),
    ...(values.until === undefined ? {} : { until: values.until }),
  };
  const page = await adminClientFrom(values, env).audit({
    ...filter,
    ...(limit === undefined ? {} : { limit }),
    ...(values.cursor === undefined ? {} : { cursor: values.cursor }),
  });
  if (values.json) printJson(io, page);
  else io.out(formatEntries(page.entries, page.nextCursor));
  return 0;
}
