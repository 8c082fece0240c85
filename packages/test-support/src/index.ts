export { freePort } from './free-port.js';
export { LocalRedisServer } from './local-redis-server.js';
export { uniquePrefix, deleteKeysContaining } from './unique-prefix.js';
export { startChildApp, type ChildApp } from './child-app.js';
export { shutdownWithoutRedis } from './shutdown-without-redis.js';
export {
  TEST_ADMIN_TOKEN,
  TEST_FORWARD_SECRET,
  TEST_OLD_WEBHOOK_SECRET,
  TEST_WEBHOOK_SECRET,
} from './test-secrets.js';
export { LocalPostgresServer } from './local-postgres-server.js';
export { freshDatabase, type FreshDatabase } from './fresh-database.js';
