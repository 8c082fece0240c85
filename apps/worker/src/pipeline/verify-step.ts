import type { ParsedJob } from './parse-step.js';

/**
 * The place where proof that the event was verified is checked. The receiver verifies Ripio's signature before
 * it enqueues; today every parsed event passes this step unchanged.
 */
export function verifyStep(parsed: ParsedJob): ParsedJob {
  return parsed;
}
