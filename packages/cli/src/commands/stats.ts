import { parseArgs } from 'node:util';
import { adminClientFrom, adminFlags, printJson, type CommandContext } from './common.js';
import { formatTree } from './formatting.js';

const STATS_USAGE = `ripio-webhooks stats [--admin-url <url>] [--token <t>] [--json]

Queue counts, the oldest waiting event's age, dead-letter size by reason and events by outcome in the last hour.`;

export async function statsCommand(args: readonly string[], { io, env }: CommandContext): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: adminFlags, strict: true });
  if (values.help) {
    io.out(STATS_USAGE);
    return 0;
  }
  const stats = await adminClientFrom(values, env).stats();
  if (values.json) printJson(io, stats);
  else io.out(formatTree(stats));
  return 0;
}
