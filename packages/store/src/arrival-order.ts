/** What orders dead-letter entries for a bulk replay. */
export interface ArrivalKey {
  id: string;
  receivedAt: string;
  /** The event's `issueDatetime` when its body has one. */
  issueDatetime: string | undefined;
}

const timeOf = (iso: string | undefined): number => {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
};

/** Arrival order: receivedAt, then issueDatetime (missing or unreadable last), then id. */
export function compareArrival(a: ArrivalKey, b: ArrivalKey): number {
  const byReceipt = timeOf(a.receivedAt) - timeOf(b.receivedAt);
  if (byReceipt !== 0 && !Number.isNaN(byReceipt)) return byReceipt;
  const byIssue = timeOf(a.issueDatetime) - timeOf(b.issueDatetime);
  if (byIssue !== 0 && !Number.isNaN(byIssue)) return byIssue;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The `issueDatetime` of an event's raw body, when it is JSON and has one. */
export function issueDatetimeOf(rawBody: string): string | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const value = (payload as Record<string, unknown>).issueDatetime;
  return typeof value === 'string' ? value : undefined;
}
