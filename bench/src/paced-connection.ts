import { connect, type Socket } from 'node:net';
import type { SignedEvent } from './bodies.js';

export interface PendingRequest {
  event: SignedEvent;
  dueAt: number;
}

export interface InFlight extends PendingRequest {
  sentAt: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

/** One keep-alive HTTP/1.1 connection carrying one request at a time, parsed by hand (cheap per request). */
export class PacedConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private current: InFlight | undefined;
  closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly onDone: (
      connection: PacedConnection,
      request: InFlight,
      status: number | undefined,
    ) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const close = (): void => {
      this.closed = true;
      const request = this.current;
      this.current = undefined;
      if (request !== undefined) this.onDone(this, request, undefined);
    };
    socket.on('error', close);
    socket.on('close', close);
  }

  static open(port: number, onDone: PacedConnection['onDone']): Promise<PacedConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new PacedConnection(socket, onDone)));
      socket.once('error', reject);
    });
  }

  get idle(): boolean {
    return !this.closed && this.current === undefined;
  }

  send(request: PendingRequest, port: number, path: string): void {
    const { event } = request;
    this.current = { ...request, sentAt: performance.now() };
    this.socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
        `X-Wh-Signature-256: ${event.signature}\r\nContent-Length: ${Buffer.byteLength(event.body)}\r\n\r\n${event.body}`,
    );
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buffered.subarray(0, headerEnd).toString('latin1');
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    let end: number;
    if (length !== undefined) {
      end = headerEnd + 4 + Number(length);
      if (this.buffered.length < end) return;
    } else {
      const chunkedEnd = this.buffered.indexOf(CHUNKED_END, headerEnd + 4);
      if (chunkedEnd < 0) return;
      end = chunkedEnd + CHUNKED_END.length;
    }
    this.buffered = this.buffered.subarray(end);
    const status = Number(head.slice(9, 12));
    const request = this.current;
    this.current = undefined;
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    if (request !== undefined) this.onDone(this, request, status);
  }
}
