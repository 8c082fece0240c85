-- Up Migration

-- One row per event key (a Ripio event), partitioned by the month of Ripio's issueDatetime (the receipt time when
-- the body has none), so retention drops whole partitions. The partitions themselves are created on demand by the
-- archiver (see src/partitions.ts), not here.
CREATE TABLE events (
  event_key text NOT NULL,
  issued_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  kind text,
  entity_id text,
  event_type text,
  family text,
  customer_id text,
  raw_body text NOT NULL,
  body jsonb,
  body_sha256 text NOT NULL,
  proof jsonb,
  request_id text,
  outcome text NOT NULL,
  dead_letter_reason text,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  processed_at timestamptz NOT NULL,
  replayed_at timestamptz,
  deliveries integer NOT NULL DEFAULT 1,
  entity_status text,
  entity_version integer,
  -- The stream entry id (milliseconds, sequence) of the last outcome written: an older entry never overwrites a newer.
  log_ms bigint NOT NULL,
  log_seq bigint NOT NULL,
  redrives integer NOT NULL DEFAULT 0,
  last_redrive_at timestamptz,
  PRIMARY KEY (event_key, issued_at)
) PARTITION BY RANGE (issued_at);

CREATE INDEX events_issued_at ON events (issued_at, event_key);
CREATE INDEX events_received_at ON events (received_at);
CREATE INDEX events_entity ON events (kind, entity_id, issued_at);
CREATE INDEX events_type ON events (event_type, issued_at);
CREATE INDEX events_family ON events (family, issued_at);
CREATE INDEX events_outcome ON events (outcome, issued_at);
CREATE INDEX events_customer ON events (customer_id, issued_at) WHERE customer_id IS NOT NULL;
CREATE INDEX events_body ON events USING gin (body jsonb_path_ops);

-- The last known state of each entity, so the admin API can answer after Redis retention expired the entity.
CREATE TABLE entity_state (
  kind text NOT NULL,
  entity_id text NOT NULL,
  status text NOT NULL,
  version integer NOT NULL,
  state jsonb NOT NULL,
  last_event_key text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (kind, entity_id)
);

CREATE INDEX entity_state_status ON entity_state (kind, status, updated_at);

-- Down Migration
DROP TABLE entity_state;
DROP TABLE events;
