export { freePort } from './free-port.js';
export { LocalRedisServer, type LocalRedisOptions } from './local-redis-server.js';
export { obtainRedis, type ObtainedRedis } from './obtain-redis.js';
export { uniquePrefix, deleteKeysContaining } from './unique-prefix.js';
export { signalAndAwaitExit, startChildApp, type ChildApp, type ChildExit } from './child-app.js';
export {
  shutdownWithoutRedis,
  type ShutdownWithoutRedisOptions,
  type ShutdownWithoutRedisResult,
} from './shutdown-without-redis.js';
export {
  TEST_ADMIN_TOKEN,
  TEST_FORWARD_SECRET,
  TEST_OLD_WEBHOOK_SECRET,
  TEST_WEBHOOK_SECRET,
  TEST_WEBHOOK_SECRETS,
} from './test-secrets.js';
