export { startMetricsServer, type MetricsServer } from './metrics-server.js';
