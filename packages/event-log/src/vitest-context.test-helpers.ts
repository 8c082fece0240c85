// Brings test-support's `ProvidedContext` augmentation (`inject('postgresUrl')`) into this package's type program.
export type {} from '@ripio-webhooks/test-support/global-setup-postgres';
