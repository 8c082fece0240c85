import { parseArgs } from 'node:util';
import { ENTITY_KINDS } from '@ripio-webhooks/schemas';
import type { ReleaseRequestInput } from '../admin-client.js';
import { adminClientFrom, adminFlags, printJson, UsageError, type CommandContext } from './common.js';
import { formatEntity, formatTree } from './formatting.js';

const ENTITY_USAGE = `ripio-webhooks entity get <kind> <id> [--admin-url <url>] [--token <t>] [--json]
ripio-webhooks entity release <kind> <id> --event-key <key> --action discard|skip --reason <text>

get: an entity's status, its event timeline (applied / late / conflict / duplicate / released) and, when it is on
hold, the event it waits behind and the events parked behind it.
release: releases the hold <key> (the blocker) holds, with a reason recorded in the history and the audit log
(the operator recorded is the one the token belongs to). discard: the blocker's
dead-letter entry is removed, it will never be applied; skip: the entry stays, a later replay is decided normally
(usually late). The parked events are then applied in order.
Kinds: ${ENTITY_KINDS.join(', ')}.`;

const entityFlags = {
  ...adminFlags,
  'event-key': { type: 'string' },
  action: { type: 'string' },
  reason: { type: 'string' },
} as const;

function releaseRequest(values: {
  'event-key'?: string | undefined;
  action?: string | undefined;
  reason?: string | undefined;
}): ReleaseRequestInput {
  const { action, reason } = values;
  const eventKey = values['event-key'];
  if (eventKey === undefined || eventKey === '') {
    throw new UsageError('release needs --event-key <blocker key>');
  }
  if (action !== 'discard' && action !== 'skip') throw new UsageError('release needs --action discard|skip');
  if (reason === undefined || reason.trim() === '') throw new UsageError('release needs --reason <text>');
  return { eventKey, action, reason };
}

export async function entityCommand(args: readonly string[], { io, env }: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: entityFlags,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(ENTITY_USAGE);
    return 0;
  }
  const [action, kind, id] = positionals;
  const known = action === 'get' || action === 'release';
  if (!known || kind === undefined || id === undefined || positionals.length > 3) {
    throw new UsageError('usage: entity get|release <kind> <id>');
  }
  if (!(ENTITY_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`unknown kind "${kind}" (known: ${ENTITY_KINDS.join(', ')})`);
  }
  if (action === 'release') {
    const request = releaseRequest(values);
    const report = await adminClientFrom(values, env).release(kind, id, request);
    if (values.json) printJson(io, report);
    else io.out(formatTree(report));
    return 0;
  }
  const entity = await adminClientFrom(values, env).entity(kind, id);
  if (values.json) printJson(io, entity);
  else io.out(formatEntity(entity));
  return 0;
}
