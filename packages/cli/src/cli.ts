import { AdminApiError, AdminContractError } from './admin-client.js';
import { dlqCommand } from './commands/dlq.js';
import { entityCommand } from './commands/entity.js';
import { UsageError, type CommandContext } from './commands/common.js';
import { processingCommand } from './commands/processing.js';
import { simulateCommand } from './commands/simulate.js';
import { statsCommand } from './commands/stats.js';
import { verifyCommand } from './commands/verify.js';

const USAGE = `ripio-webhooks <command> [options]   (each command has --help)

  simulate        send signed Ripio events through documented flows to a webhook URL
  verify          check a Ripio signature against a body file, and explain a mismatch
  entity get      an entity's status and event timeline (admin API)
  dlq             list / show / replay / purge dead-lettered events (admin API)
  stats           queue counts, backlog age, dead-letter size, outcomes of the last hour (admin API)
  processing      status / pause / resume event processing, and the circuit breaker's state (admin API)

Admin API commands use --admin-url (default ADMIN_URL or http://127.0.0.1:8081) and --token (default ADMIN_TOKEN).`;

const COMMANDS = {
  simulate: simulateCommand,
  verify: verifyCommand,
  entity: entityCommand,
  dlq: dlqCommand,
  stats: statsCommand,
  processing: processingCommand,
} as const;

function isCommand(name: string): name is keyof typeof COMMANDS {
  return Object.hasOwn(COMMANDS, name);
}

/** Runs one CLI invocation and returns its exit code: 0 ok, 1 a negative answer or a failed call, 2 misuse. */
export async function runCli(argv: readonly string[], context: CommandContext): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    context.io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!isCommand(command)) {
    context.io.err(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await COMMANDS[command](rest, context);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      context.io.err(`${(error as Error).message} (see ripio-webhooks ${command} --help)`);
      return 2;
    }
    if (error instanceof AdminApiError || error instanceof AdminContractError) {
      context.io.err(error.message);
      return 1;
    }
    throw error;
  }
}

/** node:util parseArgs errors carry an ERR_PARSE_ARGS_* code. */
function isParseArgsError(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('ERR_PARSE_ARGS_')
  );
}
