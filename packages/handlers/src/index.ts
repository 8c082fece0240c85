// What a HANDLERS_MODULE imports: the handler contract as plain types, `defineHandlers` and
// `UnrecoverableEventError`. Self-contained: no dependency, so it installs from its tarball alone.
export {
  defineHandlers,
  type EventHandler,
  type HandledOutcome,
  type HandlerContext,
  type HandlerMap,
} from './handlers.js';
export type { EntitySnapshot, HistoryRecord, RecordedOutcome } from './entity.js';
export type {
  EntityKind,
  EventType,
  Family,
  HandledEvent,
  HandledEventBase,
  KindByEventType,
  ObjectByKind,
  ObjectOf,
} from './events.js';
export type * from './objects.js';
export { UnrecoverableEventError } from './unrecoverable-event-error.js';
