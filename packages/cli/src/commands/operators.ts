import { parseArgs } from 'node:util';
import { OPERATOR_ROLES, OperatorRole } from '@ripio-webhooks/contracts';
import { adminClientFrom, adminFlags, printJson, table, UsageError, type CommandContext } from './common.js';

const OPERATORS_USAGE = `ripio-webhooks operators <action> [--admin-url <url>] [--token <t>] [--json]

  create <name> --role ${OPERATOR_ROLES.join('|')}   a named operator with its own token, printed once
  list                                     every operator (never their tokens)
  revoke <name> [--note <why>]             the operator's token and sessions stop working at once

Roles: read (every GET), operate (also replay, delete, release, pause/resume, re-drive), admin (also operators).
Needs an admin token (an operator with role admin, or ADMIN_TOKEN). Every create and revoke is audited.`;

const operatorFlags = { ...adminFlags, role: { type: 'string' }, note: { type: 'string' } } as const;

export async function operatorsCommand(
  args: readonly string[],
  { io, env }: CommandContext,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: operatorFlags,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(OPERATORS_USAGE);
    return 0;
  }
  const [action, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError('one operator name at a time');
  switch (action) {
    case 'list': {
      const { operators } = await adminClientFrom(values, env).operators();
      if (values.json) printJson(io, operators);
      else {
        const rows = operators.map((op) => [op.name, op.role, op.createdAt, op.createdBy]);
        io.out(operators.length === 0 ? 'no operators' : table([['name', 'role', 'created', 'by'], ...rows]));
      }
      return 0;
    }
    case 'create': {
      if (name === undefined) throw new UsageError('usage: operators create <name> --role <role>');
      const role = OperatorRole.safeParse(values.role);
      if (!role.success) throw new UsageError(`--role must be one of ${OPERATOR_ROLES.join(', ')}`);
      const created = await adminClientFrom(values, env).createOperator(name, role.data);
      if (values.json) printJson(io, created);
      else {
        io.out(`created ${created.name} (${created.role})`);
        io.out(`token: ${created.token}`);
        io.out('The token is shown this once: hand it to the operator over a secure channel.');
      }
      return 0;
    }
    case 'revoke': {
      if (name === undefined) throw new UsageError('usage: operators revoke <name>');
      const report = await adminClientFrom(values, env).revokeOperator(name, values.note);
      if (values.json) printJson(io, report);
      else io.out(`revoked ${report.name}`);
      return 0;
    }
    case undefined:
      throw new UsageError('operators needs an action: create, list or revoke');
    default:
      throw new UsageError(`unknown operators action "${action}" (create, list, revoke)`);
  }
}
