// What an operator's HANDLERS_MODULE may import for typing, and what tests and tools reuse.
export {
  defineHandlers,
  type EventHandler,
  type HandledOutcome,
  type HandlerContext,
  type HandlerMap,
} from './handlers/define-handlers.js';
export { UnrecoverableEventError } from './errors/unrecoverable-event-error.js';
export {
  FORWARD_EVENT_KEY_HEADER,
  FORWARD_SIGNATURE_HEADER,
  forwardSignature,
  type ForwardBody,
} from './handlers/forwarder.js';
