import { booleanSetting, parseRetrySchedule, positiveIntSetting } from '@ripio-webhooks/core';
import { z } from 'zod';

/**
 * About 27.7 hours in all (24.9 at the least, with every delay jittered short): a downstream outage of a day, a
 * night or a weekend morning is ridden out without a dead letter, as webhook senders do for their receivers.
 */
const DEFAULT_RETRY_SCHEDULE = '5s,30s,2m,10m,30m,1h,2h,4h,8h,12h';

/** `RETRY_SCHEDULE`: the delays between attempts, parsed into milliseconds. */
export const retryScheduleSetting = z
  .string()
  .default(DEFAULT_RETRY_SCHEDULE)
  .transform((text, context) => {
    const parsed = parseRetrySchedule(text);
    if (parsed.ok) return parsed.delaysMs;
    context.addIssue({ code: 'custom', message: `RETRY_SCHEDULE: ${parsed.error}` });
    return z.NEVER;
  })
  .describe(
    'Waits between the attempts of a failing event, a comma list of durations (`ms`, `s`, `m`, `h`, `d`): ' +
      'attempt n + 1 starts the n-th one after attempt n failed (up to a tenth shorter, jittered); the event is ' +
      'dead-lettered when the attempt after the last one fails. The default covers about 27.7 h.',
  );

/** The circuit breaker's settings: when the handlers' failures open it, and for how long. */
export const breakerEnvFields = {
  BREAKER_ENABLED: booleanSetting
    .default(true)
    .describe('Open the circuit breaker when the handlers keep failing (true/false).'),
  BREAKER_WINDOW_MS: positiveIntSetting
    .default(60_000)
    .describe('The sliding window over which a worker counts its handler calls and failures.'),
  BREAKER_MIN_CALLS: positiveIntSetting
    .default(20)
    .describe('Handler calls the window must hold before their failure ratio can open the breaker.'),
  BREAKER_FAILURE_RATIO: z.coerce
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe(
      'Share of failed handler calls in the window, in (0, 1], that opens the breaker for every worker.',
    ),
  BREAKER_OPEN_MS: positiveIntSetting
    .default(30_000)
    .describe(
      'How long the breaker stays open (no event taken, none dead-lettered) before one event probes the ' +
        'downstream; a failed probe opens it for this long again, a successful one closes it.',
    ),
};
