import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from '@ripio-webhooks/test-support';
import { Webhook } from 'standardwebhooks';

/**
 * The internal service behind the worker's FORWARD_URL, played by the test: it verifies each request as a receiving
 * service would (Standard Webhooks, with the `standardwebhooks` library),
 * answers 503 to the first `failFirst` posts of every event key of the given event types ("down for a while"),
 * then 200, and counts what it accepted per event key.
 */
export class Downstream {
  readonly accepted = new Map<string, number>();
  readonly refused = new Map<string, number>();
  badSignatures = 0;
  private readonly server: Server;
  url = '';

  private readonly verifier: Webhook;

  private constructor(
    secret: string,
    private readonly failFirst: number,
    private readonly failingTypes: ReadonlySet<string>,
  ) {
    this.verifier = new Webhook(secret);
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(
    secret: string,
    failFirst: number,
    failingTypes: readonly string[],
  ): Promise<Downstream> {
    const downstream = new Downstream(secret, failFirst, new Set(failingTypes));
    const port = await freePort();
    await new Promise<void>((resolve) => downstream.server.listen(port, '127.0.0.1', resolve));
    downstream.url = `http://127.0.0.1:${port}/ripio-events`;
    return downstream;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const key = String(req.headers['webhook-id'] ?? '');
      let eventType: string | undefined;
      try {
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
        );
        ({ eventType } = this.verifier.verify(body.toString('utf8'), headers) as { eventType?: string });
      } catch {
        this.badSignatures += 1;
        res.writeHead(401).end();
        return;
      }
      const refusedSoFar = this.refused.get(key) ?? 0;
      if (this.failingTypes.has(eventType ?? '') && refusedSoFar < this.failFirst) {
        this.refused.set(key, refusedSoFar + 1);
        res.writeHead(503).end();
        return;
      }
      this.accepted.set(key, (this.accepted.get(key) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  }
}
