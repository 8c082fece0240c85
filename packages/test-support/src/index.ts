export { freePort } from './free-port.js';
export { LocalRedisServer } from './local-redis-server.js';
export { uniquePrefix, deleteKeysContaining } from './unique-prefix.js';
export { startChildApp, type ChildApp } from './child-app.js';
export { shutdownWithoutRedis } from './shutdown-without-redis.js';
