import { request } from 'node:http';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { sleep } from './wait.js';

/** How a hostile request ended: an HTTP status, or the connection closed / reset / timed out without one. */
export type RawOutcome =
  { kind: 'status'; status: number } | { kind: 'closed' } | { kind: 'reset' } | { kind: 'timeout' };

export interface RawRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
}

/** One request with node:http (no keep-alive); never throws, the outcome says what happened. */
export function sendRaw(options: RawRequest): Promise<RawOutcome> {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: RawOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = request(options.url, {
      method: options.method ?? 'POST',
      agent: false,
      headers: {
        ...(body === undefined ? {} : { 'content-length': String(body.length) }),
        ...options.headers,
      },
    });
    const timer = setTimeout(() => {
      finish({ kind: 'timeout' });
      req.destroy();
    }, options.timeoutMs ?? 20_000);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => finish({ kind: 'status', status: res.statusCode ?? 0 }));
      res.on('error', () => finish({ kind: 'status', status: res.statusCode ?? 0 }));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish(error.code === 'ECONNRESET' ? { kind: 'reset' } : { kind: 'closed' }),
    );
    req.end(body);
  });
}

export interface SocketScript {
  port: number;
  /** Chunks written in order, waiting `gapMs` between them. */
  chunks: readonly (Buffer | string)[];
  gapMs: number;
  /** Half-close after the last chunk (a truncated request whose sender gave up). */
  endAfter: boolean;
  /** Upper bound on the whole exchange. */
  timeoutMs: number;
}

/**
 * Writes bytes on a raw TCP socket, slowly if asked (slow-loris headers or body, lying Content-Length), and
 * reports the status line the server answered with, or how the connection ended. Bounded by `timeoutMs`.
 */
export function scriptSocket(script: SocketScript): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect(script.port, '127.0.0.1');
    let received = '';
    let settled = false;
    const finish = (outcome: RawOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), script.timeoutMs);
    const statusOf = (): RawOutcome => {
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      return match?.[1] === undefined ? { kind: 'closed' } : { kind: 'status', status: Number(match[1]) };
    };
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (/\r\n\r\n/.test(received)) finish(statusOf());
    });
    socket.on('end', () => finish(statusOf()));
    socket.on('close', () => finish(statusOf()));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(error.code === 'ECONNRESET' ? { kind: 'reset' } : statusOf()),
    );
    socket.on('connect', () => {
      void (async () => {
        for (const chunk of script.chunks) {
          if (settled || socket.destroyed) return;
          socket.write(chunk);
          if (script.gapMs > 0) await sleep(script.gapMs);
        }
        if (script.endAfter && !socket.destroyed) socket.end();
      })();
    });
  });
}

/** Resident memory of a process in bytes (VmRSS from /proc/<pid>/status). */
export function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}
