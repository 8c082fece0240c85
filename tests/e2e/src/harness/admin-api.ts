/** The parts of the admin API's answers these tests read (the contract is docs/architecture.md and apps/admin). */
interface HistoryEntry {
  eventKey: string;
  eventType: string;
  outcome: string;
  fromStatus: string | null;
  toStatus: string | null;
}

export interface EntityRecord {
  kind: string;
  id: string;
  status: string;
  version: number;
  history: HistoryEntry[];
}

export interface DeadLetterEntry {
  id: string;
  eventKey: string;
  eventType: string;
  reason: string;
  error: string;
  attemptsMade: number;
}

interface DeadLetterPage {
  entries: DeadLetterEntry[];
  nextCursor?: string;
}

/** A small client of the admin app over real HTTP with the Bearer token. */
export class AdminApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let json: unknown = text;
    try {
      json = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      // keep the text
    }
    return { status: response.status, json };
  }

  private async ok(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const { status, json } = await this.request(method, path, body);
    if (status < 200 || status >= 300) {
      throw new Error(`admin ${method} ${path} answered ${status}: ${JSON.stringify(json)}`);
    }
    return json;
  }

  /** The entity with its history, or undefined when the admin API says 404. */
  async entity(kind: string, id: string): Promise<EntityRecord | undefined> {
    const path = `/api/entities/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`;
    const { status, json } = await this.request('GET', path);
    if (status === 404) return undefined;
    if (status !== 200) throw new Error(`admin GET ${path} answered ${status}: ${JSON.stringify(json)}`);
    return json as EntityRecord;
  }

  /** Every dead-letter entry (all pages), optionally of one reason. */
  async deadLetters(reason?: string): Promise<DeadLetterEntry[]> {
    const all: DeadLetterEntry[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1_000; page += 1) {
      const query = new URLSearchParams({ limit: '500' });
      if (reason !== undefined) query.set('reason', reason);
      if (cursor !== undefined) query.set('cursor', cursor);
      const json = (await this.ok('GET', `/api/dead-letter?${query.toString()}`)) as DeadLetterPage;
      all.push(...json.entries);
      cursor = json.nextCursor;
      if (cursor === undefined || json.entries.length === 0) break;
    }
    return all;
  }

  /** Bulk replay of the entries matching the filter; returns the answer as the admin app sends it. */
  replayDeadLetters(filter: { reason?: string; eventType?: string }): Promise<unknown> {
    const query = new URLSearchParams(filter);
    const suffix = query.toString() === '' ? '' : `?${query.toString()}`;
    return this.ok('POST', `/api/dead-letter/replay${suffix}`, filter);
  }

  stats(): Promise<unknown> {
    return this.ok('GET', '/api/stats');
  }
}
