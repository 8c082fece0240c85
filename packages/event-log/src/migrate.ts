import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

/** The package's SQL migrations (shipped beside dist/). */
const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export interface MigrateOptions {
  databaseUrl: string;
  /** Where progress lines go (default: dropped). */
  log?: (line: string) => void;
}

/**
 * Brings the event log's schema up to date with node-pg-migrate (its `pgmigrations` table records what ran, and
 * an advisory lock keeps two processes from migrating at once). Returns the names of the migrations it applied.
 */
export async function migrateEventLog(options: MigrateOptions): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  const applied = await runner({
    databaseUrl: options.databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    log,
    logger: { debug: () => undefined, info: log, warn: log, error: log },
    verbose: false,
  });
  return applied.map((migration) => migration.name);
}
