import {
  eventKeyOfEvent,
  parseEventBody,
  unstorableFieldsIssue,
  type ParsedEvent,
} from '@ripio-webhooks/schemas';
import type { EventJobData } from '@ripio-webhooks/store';
import type { Logger } from 'pino';
import { UNKNOWN_LABEL } from '../metrics.js';
import type { RejectedEventOutcome } from '../outcome.js';
import { end, next, type Step } from './step.js';

/** A validated event with the event key the worker computed for it. */
export interface ParsedJob {
  event: ParsedEvent;
  eventKey: string;
}

/**
 * Validates the job's raw body and computes its event key. Invalid and unknown events end here, and so does an
 * event whose object is too deep to store as an entity (invalid whatever the entity's state).
 */
export function parseStep(
  deps: { logger: Logger },
  job: EventJobData,
): Step<ParsedJob, RejectedEventOutcome> {
  const parsed = parseEventBody(job.rawBody);
  if (!parsed.ok) {
    const name = parsed.identity?.eventType ?? parsed.eventType ?? UNKNOWN_LABEL;
    return end({ outcome: parsed.reason, name, error: parsed.issues.join('; '), attemptsMade: 0 });
  }
  const { event } = parsed;
  const eventKey = eventKeyOfEvent(event);
  if (eventKey !== job.eventKey) {
    deps.logger.warn(
      { jobEventKey: job.eventKey, eventKey },
      'job id differs from the event key computed here',
    );
  }
  const unstorable = unstorableFieldsIssue(event.object);
  if (unstorable !== undefined) {
    return end({ outcome: 'invalid', name: event.eventType, error: unstorable, attemptsMade: 0 });
  }
  return next({ event, eventKey });
}
