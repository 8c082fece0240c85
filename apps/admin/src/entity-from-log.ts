import {
  CommittedOutcome,
  type EntityHistoryEntry,
  type EntityWithHistory,
  type LoggedEventDetail,
} from '@ripio-webhooks/contracts';
import type { LoggedEntity } from '@ripio-webhooks/event-log';
import { parseEventBody } from '@ripio-webhooks/schemas';

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The entity object of an event's body (`transactionObject`, `account`, ...), when the body parses. */
function payloadOf(event: LoggedEventDetail): Fields | undefined {
  const parsed = parseEventBody(event.rawBody);
  return parsed.ok && isFields(parsed.event.object) ? parsed.event.object : undefined;
}

/**
 * The history an entity's logged events make, oldest first: the committed ones (applied, late, conflict,
 * duplicate), each moving the status from the previous applied event's status to its own when applied.
 */
function historyOf(events: readonly LoggedEventDetail[]): EntityHistoryEntry[] {
  const history: EntityHistoryEntry[] = [];
  let status: string | null = null;
  for (const event of events) {
    const outcome = CommittedOutcome.safeParse(event.outcome);
    if (!outcome.success) continue;
    const fromStatus = status;
    if (outcome.data === 'applied' && event.entityStatus !== null) status = event.entityStatus;
    const payload = payloadOf(event);
    history.push({
      eventKey: event.eventKey,
      eventType: event.eventType ?? 'unknown',
      issueDatetime: event.issuedAt,
      receivedAt: event.receivedAt,
      processedAt: event.processedAt,
      outcome: outcome.data,
      fromStatus,
      toStatus: status,
      ...(payload === undefined ? {} : { payload }),
    });
  }
  return history;
}

/**
 * `GET /api/entities/:kind/:id` from the event log, for an entity Redis no longer has (retention expired it):
 * the last state `entity_state` recorded and the history its logged events make, marked `source: "event-log"`.
 * What Redis alone keeps is absent: no hold (a held entity is never expired), the deposit cycle reads 1 unless
 * the recorded state names it, and the latest conflict's reason is not logged (null).
 */
export function entityFromLogAnswer(logged: LoggedEntity): EntityWithHistory {
  const history = historyOf(logged.events);
  const applied = history.filter((entry) => entry.outcome === 'applied');
  const state = isFields(logged.state?.state) ? logged.state.state : {};
  const progress = isFields(state.progress) ? state.progress : {};
  const fields = isFields(state.fields) ? state.fields : (applied.at(-1)?.payload ?? {});
  return {
    kind: logged.kind,
    id: logged.id,
    status: logged.state?.status ?? applied.at(-1)?.toStatus ?? null,
    fields,
    version: logged.state?.version ?? 0,
    createdAt: logged.state?.createdAt ?? history[0]?.processedAt ?? null,
    updatedAt: logged.state?.updatedAt ?? history.at(-1)?.processedAt ?? null,
    cycle: typeof progress.cycle === 'number' && progress.cycle >= 1 ? progress.cycle : 1,
    conflicts: history.filter((entry) => entry.outcome === 'conflict').length,
    lastConflict: null,
    history,
    onHold: false,
    hold: null,
    parked: [],
    source: 'event-log',
  };
}
