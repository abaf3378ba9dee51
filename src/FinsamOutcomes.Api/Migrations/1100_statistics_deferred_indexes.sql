-- Issue 12: the report-only indexes of the fact tables (0800, 0900, 1000) are dropped when the statistics projection
-- resets and built again when its rebuild reaches the head of the log, instead of being kept row by row through the
-- whole rebuild (docs/adr/0008-set-based-projection.md, "Fourth step"). Their definitions are taken from the catalogue
-- at the reset and kept here, in the reset's transaction, until they are built again: by the projection when it
-- catches up, or at start-up before the migrations run, if a crash or a stop came between. The migrations stay the
-- source of truth: what is dropped and built again is the index as the migrations left it.

CREATE TABLE stats_deferred_indexes (
    index_name text PRIMARY KEY,
    table_name text NOT NULL,
    definition text NOT NULL,
    dropped_at timestamptz NOT NULL DEFAULT now()
);
