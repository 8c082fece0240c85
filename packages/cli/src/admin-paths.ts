/** Relative API paths (no leading slash, so a base URL with a path prefix keeps it). */
export const adminPaths = {
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
  events: 'api/events',
  event: (eventKey: string) => `api/events/${encodeURIComponent(eventKey)}`,
  exportEvents: 'api/events/export',
  redrives: 'api/redrives',
  redrive: (id: string) => `api/redrives/${encodeURIComponent(id)}`,
  stuck: 'api/entities/stuck',
  operators: 'api/operators',
  operator: (name: string) => `api/operators/${encodeURIComponent(name)}`,
  audit: 'api/audit',
} as const;

type Query = Record<string, string | number | readonly string[] | undefined>;

/** `path` with the query parameters that have a value (a list repeats its parameter). */
export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'object') for (const item of value) params.append(key, item);
    else if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}
