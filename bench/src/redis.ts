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

  /**
   * Records every command Redis runs from now on (MONITOR), split into requests sent by clients and commands run
   * inside Lua scripts; the benchmark's own admin connection is left out. `stop` returns the counts once every
   * command issued before it has been seen.
   */
  async recordCommands(): Promise<CommandRecorder> {
    const own = /addr=(\S+)/.exec(String(await this.client.call('CLIENT', 'INFO')))?.[1] ?? '';
    const monitor = await this.client.monitor();
    const counts: CommandCounts = { client: {}, lua: {} };
    const marker = `bench-marker-${Math.random().toString(36).slice(2)}`;
    let markerSeen: (() => void) | undefined;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      const command = (args[0] ?? '').toLowerCase();
      if (source === own) {
        if (command === 'echo' && args[1] === marker) markerSeen?.();
        return;
      }
      const bucket = source === 'lua' ? counts.lua : counts.client;
      bucket[command] = (bucket[command] ?? 0) + 1;
    });
    return {
      stop: async () => {
        const seen = new Promise<void>((resolve) => {
          markerSeen = resolve;
        });
        await this.client.echo(marker);
        await Promise.race([seen, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        monitor.disconnect();
        return counts;
      },
    };
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    await this.server.stop();
  }
}

export interface CommandCounts {
  /** Requests sent by clients, by command (EVALSHA of a BullMQ or service script counts once here). */
  client: Record<string, number>;
  /** Commands run inside Lua scripts, by command. */
  lua: Record<string, number>;
}

export interface CommandRecorder {
  stop(): Promise<CommandCounts>;
}
