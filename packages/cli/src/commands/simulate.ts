import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { FAMILIES, type Family } from '@ripio-webhooks/schemas';
import { expectationsOf } from '../simulate/expectations.js';
import { planSimulation, type SimulationOptions, type SimulationPlan } from '../simulate/plan.js';
import { runSimulation, type SendOptions } from '../simulate/send.js';
import {
  numberOption,
  printJson,
  ripioSecretOf,
  secretFlags,
  UsageError,
  type CommandContext,
} from './common.js';
import { printPlan, printSummary } from './simulate-output.js';

const DEFAULT_WEBHOOK_URL = 'http://127.0.0.1:8080/webhooks/ripio';

const SIMULATE_USAGE = `ripio-webhooks simulate [options]

Sends correctly signed Ripio events (compact, ASCII-escaped JSON, X-Wh-Signature-256) to a webhook URL, each
entity going through one of Ripio's documented flows for its family.

  --url <url>              webhook URL (default ${DEFAULT_WEBHOOK_URL})
  --secret-file <file>     file holding the signing secret (default: RIPIO_WEBHOOK_SECRET, or the file named
                           by RIPIO_WEBHOOK_SECRET_FILE; --secret <secret> is deprecated: the shell keeps it)
  --entities <n>           entities to simulate (default 20)
  --families <a,b>         families to draw from (${FAMILIES.join(', ')}; default all)
  --include-inferred       also use flows Ripio does not document
  --duplicates <share>     share of events delivered twice, 0..1 (default 0.1)
  --shuffle                deliver each entity's events in random order
  --jitter <ms>            random 0..ms delay before each delivery (default 0)
  --rate <n>               at most n deliveries started per second (default unlimited)
  --concurrency <n>        requests in flight at most (default 16)
  --bad <share>            extra wrongly signed / unsigned / malformed requests, as a share (default 0)
  --seed <seed>            reproducible run (default random; printed)
  --start-at <iso>         issueDatetime of the first events (default five minutes ago)
  --max-attempts <n>       attempts per delivery on 503 / connection errors (default 6)
  --retry-budget <n>       retries allowed over the whole run (default 1000)
  --max-retry-delay <ms>   cap on Retry-After waits (default 5000)
  --expect-out <file>      write every entity's expected final status as JSON
  --dry-run                plan only: print what would be sent, send nothing
  --json                   print the summary as JSON`;

function parseFamilies(value: string | undefined): Family[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!(FAMILIES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown family "${name}" (known: ${FAMILIES.join(', ')})`);
    }
  }
  return names as Family[];
}

function parseSimulateArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      url: { type: 'string', default: DEFAULT_WEBHOOK_URL },
      ...secretFlags,
      entities: { type: 'string', default: '20' },
      families: { type: 'string' },
      'include-inferred': { type: 'boolean', default: false },
      duplicates: { type: 'string', default: '0.1' },
      shuffle: { type: 'boolean', default: false },
      jitter: { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string', default: '16' },
      bad: { type: 'string' },
      seed: { type: 'string' },
      'start-at': { type: 'string' },
      'max-attempts': { type: 'string' },
      'retry-budget': { type: 'string' },
      'max-retry-delay': { type: 'string' },
      'expect-out': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
}

type SimulateFlags = ReturnType<typeof parseSimulateArgs>;

/** What to plan: the entities, their flows and the mistakes to add, from the flags and the environment. */
function simulationOptionsOf(values: SimulateFlags, secret: string | undefined): SimulationOptions {
  if (secret === undefined) {
    throw new UsageError(
      'no secret: set RIPIO_WEBHOOK_SECRET or RIPIO_WEBHOOK_SECRET_FILE, or pass --secret-file',
    );
  }
  // Issue times in the recent past (a flow spans about a minute), never ahead of the receiver's clock.
  const startAt = values['start-at'] ?? new Date(Date.now() - 5 * 60_000).toISOString();
  if (Number.isNaN(Date.parse(startAt))) throw new UsageError(`--start-at is not a date: ${startAt}`);
  const families = parseFamilies(values.families);
  const jitterMs = numberOption('jitter', values.jitter, { min: 0, integer: true });
  const bad = numberOption('bad', values.bad, { min: 0, max: 1 });
  return {
    seed: values.seed ?? randomBytes(6).toString('hex'),
    entities: numberOption('entities', values.entities, { min: 0, integer: true }) ?? 20,
    duplicates: numberOption('duplicates', values.duplicates, { min: 0, max: 1 }) ?? 0.1,
    shuffle: values.shuffle,
    includeInferred: values['include-inferred'],
    startAt,
    secret,
    ...(families === undefined ? {} : { families }),
    ...(jitterMs === undefined ? {} : { jitterMs }),
    ...(bad === undefined ? {} : { bad }),
  };
}

/** The plan, with a flow the options rule out reported as a usage error that names the flag. */
function planOrUsageError(options: SimulationOptions): SimulationPlan {
  try {
    return planSimulation(options);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new UsageError(error.message.replace('include inferred flows', 'add --include-inferred'));
    }
    throw error;
  }
}

/** How to send: pace, concurrency and retries. */
function sendOptionsOf(values: SimulateFlags): SendOptions {
  const rate = numberOption('rate', values.rate, { min: 0 });
  const maxAttempts = numberOption('max-attempts', values['max-attempts'], { min: 1, integer: true });
  const retryBudget = numberOption('retry-budget', values['retry-budget'], { min: 0, integer: true });
  const maxRetryDelayMs = numberOption('max-retry-delay', values['max-retry-delay'], { min: 0 });
  return {
    url: values.url,
    concurrency: numberOption('concurrency', values.concurrency, { min: 1, integer: true }) ?? 16,
    ...(rate === undefined ? {} : { rate }),
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
    ...(retryBudget === undefined ? {} : { retryBudget }),
    ...(maxRetryDelayMs === undefined ? {} : { maxRetryDelayMs }),
  };
}

export async function simulateCommand(args: readonly string[], context: CommandContext): Promise<number> {
  const { io } = context;
  const values = parseSimulateArgs(args);
  if (values.help) {
    io.out(SIMULATE_USAGE);
    return 0;
  }
  const plan = planOrUsageError(simulationOptionsOf(values, await ripioSecretOf(values, context)));
  if (values['expect-out'] !== undefined) {
    await writeFile(values['expect-out'], `${JSON.stringify(expectationsOf(plan), null, 2)}\n`);
  }
  if (values['dry-run']) {
    printPlan(io, plan, values.json);
    return 0;
  }
  if (!values.json) {
    io.err(
      `seed ${plan.seed}: sending ${plan.deliveries.length} deliveries (${plan.events} events) to ${values.url}`,
    );
  }
  const { summary } = await runSimulation(plan, sendOptionsOf(values));
  if (values.json) {
    printJson(io, { seed: plan.seed, entities: plan.entities.length, events: plan.events, ...summary });
  } else printSummary(io, plan.seed, summary);
  return summary.unacknowledged === 0 ? 0 : 1;
}
