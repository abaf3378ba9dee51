-- Every append writes through these; what they guarded is guarded elsewhere:
-- the stream row is claimed in the same statement that inserts the events (so an event without its
-- stream cannot be written), and per-förbund reads of the log go by position range first.
ALTER TABLE es_events DROP CONSTRAINT es_events_stream_id_fkey;
DROP INDEX es_events_forbund_idx;
