import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  EventExportFormat,
  EventLogOutcome,
  type EventPage,
  type LoggedEventDetail,
} from '@ripio-webhooks/contracts';
import { parseMatch, type BodyMatch, type EventFilter, type EventLogReader } from '@ripio-webhooks/event-log';
import { HttpError, parse } from './http-error.js';

const MAX_PAGE = 500;
const DEFAULT_PAGE = 50;
const MAX_MATCHES = 8;

const Text = z.string().min(1).max(1024);
const Time = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const EventQuery = z.object({
  eventType: Text.optional(),
  family: Text.optional(),
  kind: Text.optional(),
  entityId: Text.optional(),
  customerId: Text.optional(),
  outcome: EventLogOutcome.optional(),
  from: Time.optional(),
  to: Time.optional(),
  receivedFrom: Time.optional(),
  receivedTo: Time.optional(),
  match: z.union([Text.transform((value) => [value]), z.array(Text).max(MAX_MATCHES)]).optional(),
});
const PageQuery = EventQuery.extend({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  cursor: z.string().min(1).max(4096).optional(),
});
const ExportQuery = EventQuery.extend({ format: EventExportFormat.default('ndjson') });
const EventKey = z.string().min(1).max(1024);

/** Query values (an empty value counts as absent). */
function queryOf(req: Request): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query)) if (value !== '') query[key] = value;
  return query;
}

/** The search filter of a parsed query; a malformed `match` is a 400. */
function filterOf(query: z.infer<typeof EventQuery>): EventFilter {
  const { from, to, receivedFrom, receivedTo, match, ...fields } = query;
  const matches: BodyMatch[] = (match ?? []).map((text) => {
    const parsed = parseMatch(text);
    if (!parsed.ok) throw new HttpError(400, `invalid match: ${parsed.message}`);
    return parsed.match;
  });
  const filter: EventFilter = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) Object.assign(filter, { [key]: value });
  }
  if (from !== undefined) filter.issuedFrom = from;
  if (to !== undefined) filter.issuedTo = to;
  if (receivedFrom !== undefined) filter.receivedFrom = receivedFrom;
  if (receivedTo !== undefined) filter.receivedTo = receivedTo;
  if (matches.length > 0) filter.match = matches;
  return filter;
}

const CONTENT_TYPES: Record<EventExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/**
 * The event log under /api/events: search (filters, keyset pages, a total on the first page), one event with its
 * body, and a streaming export (NDJSON or CSV) of every match. With the log off, each answers 404 saying so; with
 * its Postgres unreachable, 503 (the error handler).
 */
export function eventRoutes(router: Router, eventLog: EventLogReader | undefined, logger: Logger): void {
  const log = (): EventLogReader => {
    if (eventLog === undefined) {
      throw new HttpError(404, 'the event log is off (EVENT_LOG=off): nothing to search');
    }
    return eventLog;
  };

  router.get('/events', async (req, res) => {
    const reader = log();
    const { limit, cursor, ...query } = parse(PageQuery, queryOf(req), 'query');
    const result = await reader.search(filterOf(query), {
      limit,
      ...(cursor === undefined ? {} : { cursor }),
    });
    if (!result.ok) throw new HttpError(400, 'invalid cursor: pass the nextCursor of a previous page');
    res.json(result.page satisfies EventPage);
  });

  // Registered before '/events/:eventKey' so "export" is never read as a key.
  router.get('/events/export', async (req, res) => {
    const reader = log();
    const { format, ...query } = parse(ExportQuery, queryOf(req), 'query');
    const filter = filterOf(query);
    const chunks = await reader.export(filter, format);
    res.status(200).type(CONTENT_TYPES[format]);
    res.setHeader('Content-Disposition', `attachment; filename="events.${format}"`);
    try {
      await pipeline(Readable.from(chunks), res);
    } catch (error) {
      // Headers are sent: the answer is cut short (the client sees an incomplete body), and the cursor is closed.
      if (!res.destroyed) res.destroy();
      if (!req.socket.destroyed || !isPrematureClose(error)) {
        logger.warn({ err: error, filter }, 'event export failed');
      }
    }
  });

  router.get('/events/:eventKey', async (req, res) => {
    const reader = log();
    const eventKey = parse(EventKey, req.params.eventKey, 'eventKey');
    const event = await reader.get(eventKey);
    if (event === undefined) throw new HttpError(404, `no event ${eventKey} in the event log`);
    res.json(event satisfies LoggedEventDetail);
  });
}

function isPrematureClose(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
}
