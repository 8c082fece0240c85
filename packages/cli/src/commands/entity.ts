import { parseArgs } from 'node:util';
import { ENTITY_KINDS } from '@ripio-webhooks/schemas';
import { adminClientFrom, adminFlags, printJson, UsageError, type CommandContext } from './common.js';
import { formatEntity } from './formatting.js';

const ENTITY_USAGE = `ripio-webhooks entity get <kind> <id> [--admin-url <url>] [--token <t>] [--json]

Shows an entity's status and its event timeline (applied / late / conflict / duplicate).
Kinds: ${ENTITY_KINDS.join(', ')}.`;

export async function entityCommand(args: readonly string[], { io, env }: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: adminFlags,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(ENTITY_USAGE);
    return 0;
  }
  const [action, kind, id] = positionals;
  if (action !== 'get' || kind === undefined || id === undefined || positionals.length > 3) {
    throw new UsageError('usage: entity get <kind> <id>');
  }
  if (!(ENTITY_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`unknown kind "${kind}" (known: ${ENTITY_KINDS.join(', ')})`);
  }
  const entity = await adminClientFrom(values, env).entity(kind, id);
  if (values.json) printJson(io, entity);
  else io.out(formatEntity(entity));
  return 0;
}
