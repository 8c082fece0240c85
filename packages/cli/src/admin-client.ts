/** A thin client of the admin JSON API (see apps/admin): what `entity`, `dlq` and `stats` call. */
export interface AdminClientOptions {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
}

/** The admin API answered with an error status; `body` is its JSON error when it sent one. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    readonly body: unknown,
  ) {
    super(`admin API ${path} answered ${status}${errorText(body)}`);
    this.name = 'AdminApiError';
  }
}

function errorText(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') {
    return `: ${body.error}`;
  }
  return '';
}

export interface AdminClient {
  get(path: string, query?: Record<string, string | number | undefined>): Promise<unknown>;
  post(path: string, body?: unknown): Promise<unknown>;
  delete(path: string): Promise<unknown>;
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const request = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const url = new URL(path, options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): keep the text.
    }
    if (!response.ok) throw new AdminApiError(response.status, path, parsed);
    return parsed;
  };
  return {
    get: (path, query) => request('GET', withQuery(path, query)),
    post: (path, body) => request('POST', path, body ?? {}),
    delete: (path) => request('DELETE', path),
  };
}

function withQuery(path: string, query: Record<string, string | number | undefined> | undefined): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Relative API paths (no leading slash, so a base URL with a path prefix keeps it). */
export const adminPaths = {
  entity: (kind: string, id: string) => `api/entities/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`,
  release: (kind: string, id: string) =>
    `api/entities/${encodeURIComponent(kind)}/${encodeURIComponent(id)}/release`,
  deadLetters: 'api/dead-letter',
  deadLetter: (id: string) => `api/dead-letter/${encodeURIComponent(id)}`,
  replay: (id: string) => `api/dead-letter/${encodeURIComponent(id)}/replay`,
  replayMany: 'api/dead-letter/replay',
  stats: 'api/stats',
} as const;
