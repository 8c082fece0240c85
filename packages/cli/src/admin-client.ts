import { adminPaths, withQuery } from './admin-paths.js';
import { Readable } from 'node:stream';
import {
  AuditPage,
  BulkReplayReport,
  CreatedOperator,
  OperatorList,
  RevokeReport,
  type OperatorRole,
  DeadLetterDetail,
  DeadLetterListing,
  DeleteReport,
  EntityWithHistory,
  ErrorBody,
  EventPage,
  LoggedEventDetail,
  type EventExportFormat,
  type EventFilterParam,
  type EventLogOutcome,
  HoldList,
  ProcessingStatus,
  ReleaseReport,
  Redrive,
  RedriveDetail,
  RedriveDryRun,
  RedriveList,
  ReplayReport,
  Stats,
  type CreateRedriveRequest,
  StuckListing,
  type DeadLetterReason,
  type ReleaseRequest,
} from '@ripio-webhooks/contracts';
import { z } from 'zod';

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

/** The event-log search filters (`GET /api/events`); `match` entries are `path.to.field=value`. */
export type EventSearchFilter = Partial<Record<Exclude<EventFilterParam, 'outcome' | 'match'>, string>> & {
  outcome?: EventLogOutcome;
  match?: readonly string[];
};

/** What a release sends (the operator recorded is the one the token belongs to). */
export type ReleaseRequestInput = z.input<typeof ReleaseRequest>;

/** Each call parses the answer with its schema from @ripio-webhooks/contracts. */
export interface AdminClient {
  entity(kind: string, id: string): Promise<EntityWithHistory>;
  /** Releases the hold `request.eventKey` holds on the entity (a reason is required). */
  release(kind: string, id: string, request: ReleaseRequestInput): Promise<ReleaseReport>;
  holds(): Promise<HoldList>;
  deadLetters(query: DeadLetterFilter & { limit?: number; cursor?: string }): Promise<DeadLetterListing>;
  deadLetter(id: string): Promise<DeadLetterDetail>;
  /** `reason`: the operator's, recorded in the audit log (optional for replays, required for deletes). */
  replay(id: string, reason?: string): Promise<ReplayReport>;
  replayMany(request: DeadLetterFilter & { max: number; note?: string }): Promise<BulkReplayReport>;
  remove(id: string, reason: string): Promise<DeleteReport>;
  stats(): Promise<Stats>;
  processing(): Promise<ProcessingStatus>;
  /** Pauses (or resumes) every worker; the reason is optional. */
  setProcessing(action: 'pause' | 'resume', reason?: string): Promise<ProcessingStatus>;
  events(query: EventSearchFilter & { limit?: number; cursor?: string }): Promise<EventPage>;
  event(eventKey: string): Promise<LoggedEventDetail>;
  /** The export's body as a stream (no overall timeout: an export may run for minutes). */
  exportEvents(query: EventSearchFilter & { format: EventExportFormat }): Promise<Readable>;
  /** A dry run answers the count and a sample; otherwise the re-drive is created and queued. */
  createRedrive(request: CreateRedriveRequest): Promise<Redrive | RedriveDryRun>;
  redrives(): Promise<RedriveList>;
  redrive(id: string): Promise<RedriveDetail>;
  cancelRedrive(id: string): Promise<Redrive>;
  /** The stuck entities, oldest first (the server's default limit when none is given). */
  stuck(limit?: number): Promise<StuckListing>;
  operators(): Promise<OperatorList>;
  createOperator(name: string, role: OperatorRole): Promise<CreatedOperator>;
  revokeOperator(name: string, reason?: string): Promise<RevokeReport>;
  audit(query: AuditFilter & { limit?: number; cursor?: string }): Promise<AuditPage>;
}

// A type alias, not an interface: it is passed where query parameters (an index signature) are expected.
export type AuditFilter = { operator?: string; action?: string; since?: string; until?: string };

type Request = <S extends z.ZodType>(
  schema: S,
  method: string,
  path: string,
  body?: unknown,
) => Promise<z.infer<S>>;

/** A JSON request to the admin API, its answer checked against the contract's schema. */
function requesterOf(options: AdminClientOptions, urlOf: (path: string) => URL): Request {
  return async <S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<z.infer<S>> => {
    const response = await fetch(urlOf(path), {
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
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const urlOf = (path: string): URL =>
    new URL(path, options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const request = requesterOf(options, urlOf);
  return {
    entity: (kind, id) => request(EntityWithHistory, 'GET', adminPaths.entity(kind, id)),
    release: (kind, id, body) => request(ReleaseReport, 'POST', adminPaths.release(kind, id), body),
    holds: () => request(HoldList, 'GET', adminPaths.holds),
    deadLetters: (query) => request(DeadLetterListing, 'GET', withQuery(adminPaths.deadLetters, query)),
    deadLetter: (id) => request(DeadLetterDetail, 'GET', adminPaths.deadLetter(id)),
    replay: (id, reason) =>
      request(ReplayReport, 'POST', adminPaths.replay(id), reason === undefined ? {} : { reason }),
    // The bulk replay's dead-letter reason filter is `deadLetterReason`: `reason` is the operator's.
    replayMany: ({ reason, note, ...rest }) =>
      request(BulkReplayReport, 'POST', adminPaths.replayMany, {
        ...rest,
        ...(reason === undefined ? {} : { deadLetterReason: reason }),
        ...(note === undefined ? {} : { reason: note }),
      }),
    remove: (id, reason) => request(DeleteReport, 'DELETE', withQuery(adminPaths.deadLetter(id), { reason })),
    stats: () => request(Stats, 'GET', adminPaths.stats),
    processing: () => request(ProcessingStatus, 'GET', adminPaths.processing),
    setProcessing: (action, reason) =>
      request(
        ProcessingStatus,
        'POST',
        `${adminPaths.processing}/${action}`,
        reason === undefined ? {} : { reason },
      ),
    events: (query) => request(EventPage, 'GET', withQuery(adminPaths.events, query)),
    event: (eventKey) => request(LoggedEventDetail, 'GET', adminPaths.event(eventKey)),
    exportEvents: (query) => {
      const path = withQuery(adminPaths.exportEvents, query);
      return streamOf(urlOf(path), options.token, path);
    },
    createRedrive: (body) => request(z.union([RedriveDryRun, Redrive]), 'POST', adminPaths.redrives, body),
    redrives: () => request(RedriveList, 'GET', adminPaths.redrives),
    redrive: (id) => request(RedriveDetail, 'GET', adminPaths.redrive(id)),
    cancelRedrive: (id) => request(Redrive, 'POST', `${adminPaths.redrive(id)}/cancel`, {}),
    stuck: (limit) => request(StuckListing, 'GET', withQuery(adminPaths.stuck, { limit })),
    operators: () => request(OperatorList, 'GET', adminPaths.operators),
    createOperator: (name, role) => request(CreatedOperator, 'POST', adminPaths.operators, { name, role }),
    revokeOperator: (name, reason) =>
      request(RevokeReport, 'DELETE', withQuery(adminPaths.operator(name), { reason })),
    audit: (query) => request(AuditPage, 'GET', withQuery(adminPaths.audit, query)),
  };
}

/** A GET whose 2xx body is handed on as a stream; any other status is an AdminApiError. */
async function streamOf(url: URL, token: string, path: string): Promise<Readable> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok || response.body === null) {
    throw new AdminApiError(response.status, path, parseJsonOr(await response.text()));
  }
  return Readable.fromWeb(response.body);
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
