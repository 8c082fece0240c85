import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalRedisServer } from './local-redis-server.js';
import { deleteKeysContaining, uniquePrefix } from './unique-prefix.js';

describe('LocalRedisServer', () => {
  const servers: LocalRedisServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('keeps AOF data across a SIGKILL and restart on the same directory', async () => {
    const server = await LocalRedisServer.start({ appendfsync: 'always' });
    servers.push(server);
    const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
    await client.set('survives', 'yes');
    client.disconnect();
    await server.kill('SIGKILL');
    await server.restart();
    const again = new Redis(server.url);
    expect(await again.get('survives')).toBe('yes');
    again.disconnect();
  });

  it('deletes only the keys of its own prefix', async () => {
    const server = await LocalRedisServer.start({ appendonly: false });
    servers.push(server);
    const client = new Redis(server.url);
    const mine = uniquePrefix('mine');
    await client.mset(`${mine}:a`, '1', `${mine}:b`, '2', 'someone-else', '3');
    expect(await deleteKeysContaining(client, mine)).toBe(2);
    expect(await client.get('someone-else')).toBe('3');
    client.disconnect();
  });
});
