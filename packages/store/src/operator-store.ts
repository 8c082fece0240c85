import type { OperatorRole } from '@ripio-webhooks/contracts';
import type { RedisClient } from './connection.js';
import { runScript } from './scripts.js';

/** A named operator as kept: never the token, only its keyed hash. */
export interface OperatorRecord {
  name: string;
  role: OperatorRole;
  createdAt: string;
  createdBy: string;
  tokenHash: string;
}

/**
 * The operators of the admin app, in one Redis hash (`<prefix>:operators`): `operator:<name>` holds the record,
 * `token:<hash>` the name the token belongs to. Both fields change together in one script.
 */
export interface OperatorStore {
  /** `exists` when the name is taken (a revoked name may be created again). */
  create(record: OperatorRecord): Promise<'created' | 'exists'>;
  get(name: string): Promise<OperatorRecord | undefined>;
  /** The operator a token hash belongs to, if it still exists. */
  byTokenHash(tokenHash: string): Promise<OperatorRecord | undefined>;
  list(): Promise<OperatorRecord[]>;
  /** Removes the operator and its token at once; false when there was none. */
  revoke(name: string): Promise<boolean>;
}

function operatorsKey(queuePrefix: string): string {
  return `${queuePrefix}:operators`;
}

export function createOperatorStore(redis: RedisClient, queuePrefix: string): OperatorStore {
  const key = operatorsKey(queuePrefix);
  const parse = (json: string | null): OperatorRecord | undefined =>
    json === null ? undefined : (JSON.parse(json) as OperatorRecord);

  async function get(name: string): Promise<OperatorRecord | undefined> {
    return parse(await redis.hget(key, `operator:${name}`));
  }

  return {
    async create(record) {
      const created = await runScript(
        redis,
        'createOperator-1.lua',
        [key],
        [record.name, record.tokenHash, JSON.stringify(record)],
      );
      return created === 1 ? 'created' : 'exists';
    },
    get,
    async byTokenHash(tokenHash) {
      const name = await redis.hget(key, `token:${tokenHash}`);
      if (name === null) return undefined;
      const record = await get(name);
      return record?.tokenHash === tokenHash ? record : undefined;
    },
    async list() {
      const fields = await redis.hgetall(key);
      return Object.entries(fields)
        .filter(([field]) => field.startsWith('operator:'))
        .map(([, json]) => JSON.parse(json) as OperatorRecord)
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async revoke(name) {
      return (await runScript(redis, 'revokeOperator-1.lua', [key], [name])) === 1;
    },
  };
}
