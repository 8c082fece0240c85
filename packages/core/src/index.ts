export * from './signature/verify-ripio-signature.js';
