-- Reports frozen as they were approved (the interim report the board approved), for later comparison.
-- They hold aggregate figures and pseudonymous ids only.
CREATE TABLE stat_frozen_reports (
    frozen_id   text        PRIMARY KEY,
    name        text        NOT NULL,
    forbund_id  text,
    query       jsonb       NOT NULL,
    report      jsonb       NOT NULL,
    position    bigint      NOT NULL,
    frozen_by   text        NOT NULL,
    frozen_at   timestamptz NOT NULL DEFAULT now()
);
