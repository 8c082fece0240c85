import { LocalRedisServer } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';

/** The benchmark's own redis-server (own port and temp dir, AOF everysec as in production) and an admin client. */
export class BenchRedis {
  private constructor(
    readonly server: LocalRedisServer,
    readonly client: Redis,
  ) {}

  static async start(): Promise<BenchRedis> {
    const server = await LocalRedisServer.start({ appendonly: true, appendfsync: 'everysec' });
    const client = new Redis(server.url, { maxRetriesPerRequest: null });
    return new BenchRedis(server, client);
  }

  get url(): string {
    return this.server.url;
  }

  /** Empties this benchmark's own Redis (never a shared one: the server was started above). */
  async flush(): Promise<void> {
    await this.client.flushall();
  }

  async version(): Promise<string> {
    return (await this.info('server'))['redis_version'] ?? 'unknown';
  }

  async usedMemory(): Promise<number> {
    return Number((await this.info('memory'))['used_memory'] ?? Number.NaN);
  }

  async info(section: string): Promise<Record<string, string>> {
    const text = await this.client.info(section);
    const fields: Record<string, string> = {};
    for (const line of text.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
    }
    return fields;
  }

  async resetStats(): Promise<void> {
    await this.client.config('RESETSTAT');
  }

  /** Calls per command since the last RESETSTAT (commands run inside Lua scripts included, as Redis counts them). */
  async commandStats(): Promise<Record<string, number>> {
    const fields = await this.info('commandstats');
    const calls: Record<string, number> = {};
    for (const [key, value] of Object.entries(fields)) {
      const match = /calls=(\d+)/.exec(value);
      if (key.startsWith('cmdstat_') && match?.[1] !== undefined) {
        calls[key.slice('cmdstat_'.length)] = Number(match[1]);
      }
    }
    return calls;
  }

  /** `total_commands_processed`: commands received from clients (round trips when not pipelined). */
  async commandsProcessed(): Promise<number> {
    return Number((await this.info('stats'))['total_commands_processed'] ?? Number.NaN);
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    await this.server.stop();
  }
}
