import type { EntitySnapshot, HistoryRecord } from './entity.js';
import type { EventType, HandledEvent } from './events.js';

/**
 * The outcomes handlers run for: `applied` always, `conflict` only with HANDLE_CONFLICTS=true, `late` only with
 * HANDLE_LATE=true.
 */
export type HandledOutcome = 'applied' | 'conflict' | 'late';

/** What a handler is called with. */
export interface HandlerContext<T extends EventType = EventType> {
  /** The validated event; `event.object` is typed by the event type. */
  event: HandledEvent<T>;
  /** The event's idempotency key: use it to make your side effect idempotent. */
  eventKey: string;
  outcome: HandledOutcome;
  /** The entity before this event (undefined for a new entity). */
  before: EntitySnapshot | undefined;
  /**
   * The entity as it will be committed once every handler succeeds: moved (`applied`), or in the same status
   * (`late`, `conflict`). Not yet stored when the handler runs.
   */
  after: EntitySnapshot;
  /**
   * The entity's history before this event, oldest first (up to HISTORY_LIMIT entries): each earlier event's
   * type, outcome and `payload` (what Ripio sent in it), read under the entity's lock.
   */
  history: readonly HistoryRecord[];
  /** ISO time the receiver read the event. */
  receivedAt: string;
  /** 1 on the first attempt, 2 on the first retry, ... */
  attempt: number;
  /** Aborted when the handler exceeds HANDLER_TIMEOUT_MS: pass it to fetch and friends. */
  signal: AbortSignal;
  /**
   * True when an operator's re-drive runs the handler again for an event already processed (from the event log):
   * the entity does not move whatever the handler does, and `before`, `after` and `history` are rebuilt from the
   * log. False in normal processing.
   */
  redrive: boolean;
}

export type EventHandler<T extends EventType = EventType> = (
  context: HandlerContext<T>,
) => Promise<void> | void;

/**
 * The default export of a HANDLERS_MODULE: one handler per event type (canonical names), and `*` for every event.
 * A handler that throws, or exceeds HANDLER_TIMEOUT_MS, makes the event retry; the entity does not advance.
 */
export type HandlerMap = { readonly [T in EventType]?: EventHandler<T> } & { readonly '*'?: EventHandler };

/**
 * Types a handlers module without changing it:
 *
 *   export default defineHandlers({
 *     'OFF-RAMP.WITHDRAWAL.COMPLETED': async ({ event, eventKey }) => { ... event.object.transactionId ... },
 *     '*': ({ event }) => { ... },
 *   });
 */
export function defineHandlers<const H extends HandlerMap>(handlers: H): H {
  return handlers;
}
