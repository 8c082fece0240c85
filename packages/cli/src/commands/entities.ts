import { parseArgs } from 'node:util';
import type { StuckListing } from '@ripio-webhooks/contracts';
import {
  adminClientFrom,
  adminFlags,
  numberOption,
  printJson,
  table,
  UsageError,
  type CommandContext,
} from './common.js';

const ENTITIES_USAGE = `ripio-webhooks entities stuck [--limit <n>] [--admin-url <url>] [--token <t>] [--json]

stuck: the entities resting in a status they are expected to leave (a deposit without its trade, a withdrawal
still processing, a KYC still in review, ...) for longer than that status's STUCK_AFTER, oldest first, with their
age (default 100, at most 1000). Exit code 1 when there is at least one.`;

/** `3d 4h`, `2h 5m`, `7m`, `40s`: an age in its largest unit and the next. */
export function formatAge(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const plus = (amount: number, unit: string) => (amount > 0 ? ` ${amount}${unit}` : '');
  if (days > 0) return `${days}d${plus(hours, 'h')}`;
  if (hours > 0) return `${hours}h${plus(minutes, 'm')}`;
  return minutes > 0 ? `${minutes}m` : `${Math.floor(seconds)}s`;
}

function formatStuck(listing: StuckListing): string {
  if (listing.entities.length === 0) return 'No stuck entities.';
  const rows = listing.entities.map((entity) => [
    entity.kind,
    entity.id,
    entity.status,
    formatAge(entity.ageSeconds),
    `> ${formatAge(entity.thresholdSeconds)}`,
    entity.since,
  ]);
  const more = listing.truncated ? '\n(more stuck entities exist: raise --limit)' : '';
  return `${table([['KIND', 'ID', 'STATUS', 'AGE', 'STUCK AFTER', 'SINCE'], ...rows])}${more}`;
}

export async function entitiesCommand(args: readonly string[], { io, env }: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { ...adminFlags, limit: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(ENTITIES_USAGE);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'stuck') throw new UsageError('usage: entities stuck');
  const limit = numberOption('limit', values.limit, { min: 1, max: 1_000, integer: true });
  const listing = await adminClientFrom(values, env).stuck(limit);
  if (values.json) printJson(io, listing);
  else io.out(formatStuck(listing));
  return listing.entities.length === 0 ? 0 : 1;
}
