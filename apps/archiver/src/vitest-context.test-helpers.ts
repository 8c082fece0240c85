// Brings test-support's `ProvidedContext` augmentation (`inject('redisUrl')`) into this package's type program.
export type {} from '@ripio-webhooks/test-support/global-setup';
