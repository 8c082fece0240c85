import { parseArgs } from 'node:util';
import type { ProcessingStatus } from '@ripio-webhooks/contracts';
import { adminClientFrom, adminFlags, printJson, UsageError, type CommandContext } from './common.js';

const PROCESSING_USAGE = `ripio-webhooks processing status|pause|resume [--reason <text>] [--admin-url <url>] [--token <t>] [--json]

  status   whether an operator paused processing, and the circuit breaker's state (closed, open, half_open)
  pause    stop every worker taking events (intake goes on; events wait in the queue); --reason says why
  resume   let the workers take events again`;

const ACTIONS = ['status', 'pause', 'resume'] as const;
type Action = (typeof ACTIONS)[number];
const isAction = (name: string | undefined): name is Action => ACTIONS.some((action) => action === name);

/** One line per fact, as an operator reads them. */
function formatProcessing(status: ProcessingStatus, nowMs: number): string {
  const lines = [
    status.paused
      ? `processing: paused since ${status.pause?.since ?? '(unknown)'}${status.pause?.reason ? ` (${status.pause.reason})` : ''}`
      : 'processing: running',
  ];
  const { breaker } = status;
  switch (breaker.mode) {
    case 'closed':
      lines.push('breaker: closed');
      break;
    case 'open': {
      const seconds = Math.max(0, Math.ceil((breaker.untilMs - nowMs) / 1000));
      lines.push(`breaker: open for ${seconds}s more, since ${iso(breaker.openedAtMs)} (${breaker.reason})`);
      break;
    }
    case 'half_open':
      lines.push(
        `breaker: half_open, ${breaker.probe === undefined ? 'the next event probes' : 'one event probing'} ` +
          `(opened ${iso(breaker.openedAtMs)}: ${breaker.reason})`,
      );
      break;
    default: {
      const unreachable: never = breaker;
      throw new Error(`unknown breaker state ${JSON.stringify(unreachable)}`);
    }
  }
  return lines.join('\n');
}

const iso = (ms: number): string => new Date(ms).toISOString();

export async function processingCommand(
  args: readonly string[],
  { io, env }: CommandContext,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { ...adminFlags, reason: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(PROCESSING_USAGE);
    return 0;
  }
  const [action] = positionals;
  if (!isAction(action) || positionals.length > 1) {
    throw new UsageError(`processing takes one of ${ACTIONS.join(', ')}`);
  }
  if (action === 'status' && values.reason !== undefined) {
    throw new UsageError('--reason goes with pause or resume');
  }
  const client = adminClientFrom(values, env);
  const status =
    action === 'status' ? await client.processing() : await client.setProcessing(action, values.reason);
  if (values.json) printJson(io, status);
  else io.out(formatProcessing(status, Date.now()));
  return 0;
}
