// Docker HEALTHCHECK for the app images: GET the app's own health endpoint on loopback, exit 0 when it answers
// 2xx. Usage: node healthcheck.mjs receiver|worker|archiver|admin. Ports follow the apps' env variables and defaults.
const targets = {
  receiver: { port: process.env.PORT ?? '8080', path: '/readyz' },
  worker: { port: process.env.METRICS_PORT ?? '9091', path: '/healthz' },
  archiver: { port: process.env.METRICS_PORT ?? '9094', path: '/healthz' },
  admin: { port: process.env.ADMIN_PORT ?? '8081', path: '/healthz' },
};
const target = targets[process.argv[2] ?? ''];
if (target === undefined) {
  console.error(`usage: node healthcheck.mjs ${Object.keys(targets).join('|')}`);
  process.exit(2);
}
try {
  const response = await fetch(`http://127.0.0.1:${target.port}${target.path}`, {
    signal: AbortSignal.timeout(2500),
  });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`health check failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
