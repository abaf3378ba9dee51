-- The first answer to each POST with an Idempotency-Key, per caller, replayed on a retry.
-- Bodies never contain personnummer: no response of the API does.
CREATE TABLE api_idempotency (
    actor         text        NOT NULL,
    key           text        NOT NULL,
    request_hash  bytea       NOT NULL,
    status        integer     NOT NULL,
    content_type  text,
    body          bytea       NOT NULL,
    etag          text,
    location      text,
    log_position  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor, key)
);
