// What a service receiving the forwarder's POSTs (FORWARD_URL) may reuse: the Standard Webhooks header names and
// the body's type. The handler API a HANDLERS_MODULE imports is the package @ripio-webhooks/handlers.
export { type ForwardBody } from './handlers/forwarder.js';
export {
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from './handlers/standard-webhooks.js';
