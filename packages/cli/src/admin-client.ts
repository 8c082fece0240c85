import {
  BulkReplayReport,
  DeadLetterDetail,
  DeadLetterListing,
  DeleteReport,
  EntityWithHistory,
  ErrorBody,
  HoldList,
  ProcessingStatus,
  ReleaseReport,
  ReplayReport,
  Stats,
  type DeadLetterReason,
  type ReleaseRequest,
} from '@ripio-webhooks/contracts';
import type { z } from 'zod';

/** A client of the admin JSON API (see apps/admin): what `entity`, `dlq` and `stats` call, and the e2e tests. */
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
    const parsed = ErrorBody.safeParse(body);
    super(`admin API ${path} answered ${status}${parsed.success ? `: ${parsed.data.error}` : ''}`);
    this.name = 'AdminApiError';
  }
}

/** The admin API answered 2xx with a body its contract does not describe (a version mismatch, a proxy page). */
export class AdminContractError extends Error {
  constructor(
    readonly path: string,
    readonly issues: string[],
  ) {
    super(`admin API ${path} answered an unexpected shape: ${issues.join('; ')}`);
    this.name = 'AdminContractError';
  }
}

// A type alias, not an interface: it is passed where query parameters (an index signature) are expected.
export type DeadLetterFilter = {
  reason?: DeadLetterReason;
  eventType?: string;
};

/** What a release sends (the operator is optional: the admin app records `admin` then). */
export type ReleaseRequestInput = z.input<typeof ReleaseRequest>;

/** Each call parses the answer with its schema from @ripio-webhooks/contracts. */
export interface AdminClient {
  entity(kind: string, id: string): Promise<EntityWithHistory>;
  /** Releases the hold `request.eventKey` holds on the entity (a reason is required). */
  release(kind: string, id: string, request: ReleaseRequestInput): Promise<ReleaseReport>;
  holds(): Promise<HoldList>;
  deadLetters(query: DeadLetterFilter & { limit?: number; cursor?: string }): Promise<DeadLetterListing>;
  deadLetter(id: string): Promise<DeadLetterDetail>;
  replay(id: string): Promise<ReplayReport>;
  replayMany(request: DeadLetterFilter & { max: number }): Promise<BulkReplayReport>;
  remove(id: string): Promise<DeleteReport>;
  stats(): Promise<Stats>;
  processing(): Promise<ProcessingStatus>;
  /** Pauses (or resumes) every worker; the reason is optional. */
  setProcessing(action: 'pause' | 'resume', reason?: string): Promise<ProcessingStatus>;
}

type Query = Record<string, string | number | undefined>;

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const request = async <S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<z.infer<S>> => {
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
    const answer = schema.safeParse(parsed);
    if (!answer.success) {
      const issues = answer.error.issues.map(
        (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
      );
      throw new AdminContractError(path, issues);
    }
    return answer.data;
  };
  return {
    entity: (kind, id) => request(EntityWithHistory, 'GET', adminPaths.entity(kind, id)),
    release: (kind, id, body) => request(ReleaseReport, 'POST', adminPaths.release(kind, id), body),
    holds: () => request(HoldList, 'GET', adminPaths.holds),
    deadLetters: (query) => request(DeadLetterListing, 'GET', withQuery(adminPaths.deadLetters, query)),
    deadLetter: (id) => request(DeadLetterDetail, 'GET', adminPaths.deadLetter(id)),
    replay: (id) => request(ReplayReport, 'POST', adminPaths.replay(id), {}),
    replayMany: (body) => request(BulkReplayReport, 'POST', adminPaths.replayMany, body),
    remove: (id) => request(DeleteReport, 'DELETE', adminPaths.deadLetter(id)),
    stats: () => request(Stats, 'GET', adminPaths.stats),
    processing: () => request(ProcessingStatus, 'GET', adminPaths.processing),
    setProcessing: (action, reason) =>
      request(
        ProcessingStatus,
        'POST',
        `${adminPaths.processing}/${action}`,
        reason === undefined ? {} : { reason },
      ),
  };
}

function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Relative API paths (no leading slash, so a base URL with a path prefix keeps it). */
const adminPaths = {
  entity: (kind: string, id: string) => `api/entities/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`,
  release: (kind: string, id: string) =>
    `api/entities/${encodeURIComponent(kind)}/${encodeURIComponent(id)}/release`,
  holds: 'api/holds',
  deadLetters: 'api/dead-letter',
  deadLetter: (id: string) => `api/dead-letter/${encodeURIComponent(id)}`,
  replay: (id: string) => `api/dead-letter/${encodeURIComponent(id)}/replay`,
  replayMany: 'api/dead-letter/replay',
  stats: 'api/stats',
  processing: 'api/processing',
} as const;
