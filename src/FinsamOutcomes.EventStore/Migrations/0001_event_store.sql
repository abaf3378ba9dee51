-- The event log, its streams, projection checkpoints and parked (dead-letter) events.
-- Applied once by SchemaMigrator under an advisory lock; see docs/adr/0001-own-event-store-on-npgsql.md.

CREATE TABLE es_streams (
    stream_id   text        PRIMARY KEY,
    stream_type text        NOT NULL,
    forbund_id  text        NOT NULL,
    version     bigint      NOT NULL CHECK (version >= 1),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE es_events (
    position    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    uuid        NOT NULL,
    stream_id   text        NOT NULL REFERENCES es_streams (stream_id),
    version     bigint      NOT NULL CHECK (version >= 1),
    event_type  text        NOT NULL,
    data        jsonb       NOT NULL,
    metadata    jsonb       NOT NULL,
    forbund_id  text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    -- the writing transaction; the feed only reads below the oldest running transaction
    tx_id       xid8        NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT es_events_event_id_key UNIQUE (event_id),
    CONSTRAINT es_events_stream_version_key UNIQUE (stream_id, version)
);

CREATE INDEX es_events_feed_idx ON es_events (tx_id, position);
CREATE INDEX es_events_forbund_idx ON es_events (forbund_id, position);

CREATE TABLE es_projection_checkpoints (
    projection        text        PRIMARY KEY,
    tx_id             xid8        NOT NULL DEFAULT '0',
    position          bigint      NOT NULL DEFAULT 0,
    rebuild_requested boolean     NOT NULL DEFAULT false,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    heartbeat_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE es_dead_letters (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    projection  text        NOT NULL,
    position    bigint      NOT NULL,
    tx_id       xid8        NOT NULL,
    event_id    uuid        NOT NULL,
    event_type  text        NOT NULL,
    attempts    integer     NOT NULL,
    error       text        NOT NULL,
    parked_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT es_dead_letters_projection_event_key UNIQUE (projection, event_id)
);
