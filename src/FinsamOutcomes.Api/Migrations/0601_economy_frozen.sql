-- Economy reports frozen as the board approved them (the delårsrapport's driftredovisning), for later comparison.
-- Aggregate money figures only; no personal data.
CREATE TABLE econ_frozen_reports (
    frozen_id   text        PRIMARY KEY,
    name        text        NOT NULL,
    forbund_id  text        NOT NULL,
    year        integer     NOT NULL,
    period      text        NOT NULL,
    report      jsonb       NOT NULL,
    position    bigint      NOT NULL,
    frozen_by   text        NOT NULL,
    frozen_at   timestamptz NOT NULL DEFAULT now()
);
