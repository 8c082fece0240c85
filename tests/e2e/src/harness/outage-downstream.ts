import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from '@ripio-webhooks/test-support';
import type { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { LEDGER_PREFIX } from './stack.js';

/**
 * The service behind the workers' FORWARD_URL, as a real HTTP server that can go away (`down`: the port is
 * closed, every forward is refused) and come back on the same port (`up`). Each signed request it accepts is
 * written to the ledger (`<prefix>:ledger` count and `<prefix>:runs` order, as the ledger handler does) before it
 * answers 200, so the scenario's checks read the downstream's own record of what it received. It starts down:
 * its port is known (for FORWARD_URL) before the stack, and its ledger, in the stack's Redis, after.
 */
export class OutageDownstream {
  badSignatures = 0;
  private server: Server | undefined;
  private ledger: Redis | undefined;

  private readonly verifier: Webhook;

  private constructor(
    secret: string,
    readonly port: number,
  ) {
    // Verifies each forward as a receiving service would (Standard Webhooks).
    this.verifier = new Webhook(secret);
  }

  /** A downstream that is down, on a free port. */
  static async reserve(secret: string): Promise<OutageDownstream> {
    return new OutageDownstream(secret, await freePort());
  }

  /** Where accepted requests are recorded (the stack's Redis). */
  recordInto(ledger: Redis): void {
    this.ledger = ledger;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/ripio-events`;
  }

  /** Listens again on the same port. */
  async up(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  /** Closes the port and every open connection: the downstream is gone. */
  async down(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const key = String(req.headers['webhook-id'] ?? '');
      try {
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
        );
        this.verifier.verify(body.toString('utf8'), headers);
      } catch {
        this.badSignatures += 1;
        res.writeHead(401).end();
        return;
      }
      if (this.ledger === undefined) {
        res.writeHead(503).end();
        return;
      }
      this.ledger
        .multi()
        .hincrby(`${LEDGER_PREFIX}:ledger`, key, 1)
        .rpush(`${LEDGER_PREFIX}:runs`, key)
        .exec()
        .then(
          () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
          () => res.writeHead(500).end(),
        );
    });
  }
}
