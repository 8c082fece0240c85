// What a service receiving the forwarder's POSTs (FORWARD_URL) may reuse: the header names, the signature and
// the body's type. The handler API a HANDLERS_MODULE imports is the package @ripio-webhooks/handlers.
export {
  FORWARD_EVENT_KEY_HEADER,
  FORWARD_SIGNATURE_HEADER,
  forwardSignature,
  type ForwardBody,
} from './handlers/forwarder.js';
