// What an operator's HANDLERS_MODULE may import for typing, and what tests and tools reuse.
export {
  defineHandlers,
  type EventHandler,
  type HandledOutcome,
  type HandlerContext,
  type HandlerMap,
} from './handlers/define-handlers.js';
export { UnrecoverableEventError } from './errors/unrecoverable-event-error.js';
export { type ForwardBody } from './handlers/forwarder.js';
export {
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from './handlers/standard-webhooks.js';
