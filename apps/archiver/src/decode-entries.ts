import { EventLogRecord } from '@ripio-webhooks/contracts';
import { parseStreamId, type LogEntry } from '@ripio-webhooks/event-log';
import type { EventLogEntry } from '@ripio-webhooks/store';

/** A batch read from the stream: the records to write, and the entries that are not records (with why). */
export interface DecodedBatch {
  entries: LogEntry[];
  rejected: { id: string; recordJson: string | undefined; error: string }[];
}

/** Pure: validates each stream entry as an EventLogRecord. */
export function decodeEntries(raw: readonly EventLogEntry[]): DecodedBatch {
  const decoded: DecodedBatch = { entries: [], rejected: [] };
  for (const { id, recordJson } of raw) {
    const parsed = recordJson === undefined ? undefined : safeJson(recordJson);
    const record = EventLogRecord.safeParse(parsed);
    if (record.success) decoded.entries.push({ position: parseStreamId(id), record: record.data });
    else decoded.rejected.push({ id, recordJson, error: record.error.message });
  }
  return decoded;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
