export { createAdminApp, type AdminAppOptions } from './app.js';
export { apiRouter, HttpError, MAX_LIST_LIMIT, MAX_BULK_REPLAY, type AdminStores } from './api.js';
export {
  constantTimeEqual,
  issueSessionCookieValue,
  isValidSessionCookieValue,
  requireAuth,
  SESSION_COOKIE,
} from './auth.js';
export { bullBoardRouter, QUEUES_PATH } from './bull-board.js';
export { AdminEnv, loadEnv } from './env.js';
export { createAdminMetrics, type AdminMetrics } from './metrics.js';
export { openAdminStores, type OpenedStores } from './stores.js';
