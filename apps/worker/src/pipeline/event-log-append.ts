import type { EventJobData } from '@ripio-webhooks/store';
import type { PipelineDeps } from './deps.js';
import { eventLogRecordOf, type LoggedOutcome } from './event-log-record.js';

/**
 * Appends an outcome that no script commits (a retry, a park, a dead letter) to the event-log stream, right after
 * it was booked; nothing when the event log is off. A crash in between re-runs the attempt, which books and
 * appends again: the archiver keeps one row per event, with the latest record.
 */
export async function appendToEventLog(
  deps: Pick<PipelineDeps, 'eventLog'>,
  data: EventJobData,
  logged: LoggedOutcome,
): Promise<void> {
  if (deps.eventLog === undefined) return;
  await deps.eventLog.append(JSON.stringify(eventLogRecordOf(data, logged)));
}
