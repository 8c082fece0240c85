import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface FreshDatabase {
  url: string;
  name: string;
  /** Drops the database (closing its connections first). */
  drop(): Promise<void>;
}

/**
 * Creates a database of its own for one test file on the server at `serverUrl`, so tests never see or touch
 * data they did not write, even on a shared DATABASE_URL server.
 */
export async function freshDatabase(serverUrl: string): Promise<FreshDatabase> {
  const name = `ripio_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdmin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withAdmin(serverUrl: string, run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}
