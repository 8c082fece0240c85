-- Up Migration

-- A re-drive: an operator's request to run handlers again for the events a filter selects, in entity order, at a
-- rate. The worker moves it queued -> running -> done | failed; an operator may cancel it while queued or running.
CREATE TABLE redrives (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  filter jsonb NOT NULL,
  -- 'all', or a JSON array of handler names (an event type, '*', 'forward').
  handlers jsonb NOT NULL,
  rate_per_second integer NOT NULL CHECK (rate_per_second > 0),
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'cancelled', 'failed')),
  -- Matching events when the re-drive was created; the selection is also bounded to events received by then.
  total integer NOT NULL DEFAULT 0,
  done integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  -- The last event taken (entity order: kind, entity_id, issued_at, event_key): a resumed run starts after it.
  cursor_kind text,
  cursor_entity_id text,
  cursor_issued_at timestamptz,
  cursor_event_key text,
  requested_by text,
  reason text,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);

CREATE INDEX redrives_created ON redrives (created_at DESC);
CREATE INDEX redrives_active ON redrives (state) WHERE state IN ('queued', 'running');

-- One row per event and handler a re-drive ran. `result` is NULL while the handlers run: a row still NULL when a
-- run resumes belongs to an event interrupted by a crash, which is settled as failed rather than run twice.
CREATE TABLE redrive_runs (
  redrive_id bigint NOT NULL REFERENCES redrives (id) ON DELETE CASCADE,
  event_key text NOT NULL,
  issued_at timestamptz NOT NULL,
  handler text NOT NULL,
  result text CHECK (result IN ('ok', 'failed')),
  error text,
  -- When the run started (the rate limiter let it through) and when it ended.
  at timestamptz NOT NULL,
  finished_at timestamptz,
  PRIMARY KEY (redrive_id, event_key, handler)
);

CREATE INDEX redrive_runs_event ON redrive_runs (event_key);
CREATE INDEX redrive_runs_at ON redrive_runs (redrive_id, at DESC);

-- Down Migration
DROP TABLE redrive_runs;
DROP TABLE redrives;
