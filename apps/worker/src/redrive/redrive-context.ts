import type { EarlierEvent, RedriveEvent } from '@ripio-webhooks/event-log';
import { parseEventBody, type ParsedEvent } from '@ripio-webhooks/schemas';
import type { CommittedOutcome, EntityState, HistoryEntry } from '@ripio-webhooks/store';
import type { HandledOutcome, HandlerContext } from '@ripio-webhooks/handlers';

const HANDLED: readonly string[] = ['applied', 'conflict', 'late'] satisfies HandledOutcome[];

function isHandled(outcome: string): outcome is HandledOutcome {
  return HANDLED.includes(outcome);
}

/** The object of an event as the log holds it (its raw body re-parsed), or undefined when it no longer parses. */
function payloadOf(rawBody: string): Record<string, unknown> | undefined {
  const parsed = parseEventBody(rawBody);
  return parsed.ok ? parsed.event.object : undefined;
}

/** The entity's history before the event, rebuilt from its earlier committed events in the log. */
function historyOf(earlier: readonly EarlierEvent[]): HistoryEntry[] {
  return earlier.map((row, index) => {
    const payload = payloadOf(row.rawBody);
    return {
      eventKey: row.eventKey,
      eventType: row.eventType ?? 'unknown',
      issueDatetime: row.issuedAt.toISOString(),
      receivedAt: row.receivedAt.toISOString(),
      processedAt: row.processedAt.toISOString(),
      outcome: row.outcome as CommittedOutcome,
      fromStatus: earlier[index - 1]?.entityStatus ?? null,
      toStatus: row.entityStatus,
      ...(payload === undefined ? {} : { payload }),
    };
  });
}

/** The entity as it stood after its latest earlier event (undefined: the event created it). */
function beforeOf(event: ParsedEvent, earlier: readonly EarlierEvent[]): EntityState | undefined {
  const last = earlier.at(-1);
  const first = earlier[0];
  if (last === undefined || first === undefined) return undefined;
  const lastApplied = earlier.findLast((row) => row.outcome === 'applied');
  return {
    kind: event.kind,
    id: event.entityId,
    status: last.entityStatus,
    fields: (lastApplied === undefined ? undefined : payloadOf(lastApplied.rawBody)) ?? {},
    version: last.entityVersion,
    createdAt: first.processedAt.toISOString(),
    updatedAt: last.processedAt.toISOString(),
  };
}

/**
 * The context a re-drive calls handlers with, rebuilt from the event log: the event re-parsed from its raw body,
 * its recorded outcome, the entity before and after it (status and version as committed then; `fields` from the
 * latest applied event's object), and its history up to `historyLimit` earlier events. `redrive` is true.
 */
export function redriveContext(
  event: ParsedEvent,
  logged: RedriveEvent,
  earlier: readonly EarlierEvent[],
): Omit<HandlerContext, 'signal'> {
  if (!isHandled(logged.outcome)) {
    throw new Error(`${logged.eventKey}: outcome ${logged.outcome} ran no handlers`);
  }
  const before = beforeOf(event, earlier);
  const processedAt = logged.processedAt.toISOString();
  const after: EntityState = {
    kind: event.kind,
    id: event.entityId,
    status: logged.entityStatus ?? before?.status ?? event.status,
    fields: logged.outcome === 'applied' ? event.object : (before?.fields ?? {}),
    version: logged.entityVersion ?? (before?.version ?? 0) + 1,
    createdAt: before?.createdAt ?? processedAt,
    updatedAt: processedAt,
  };
  return {
    event,
    eventKey: logged.eventKey,
    outcome: logged.outcome,
    before,
    after,
    history: historyOf(earlier),
    receivedAt: logged.receivedAt.toISOString(),
    attempt: 1,
    redrive: true,
  };
}
