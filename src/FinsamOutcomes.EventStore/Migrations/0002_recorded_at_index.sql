-- "As of a time" questions find the last event recorded at or before a moment.
CREATE INDEX es_events_recorded_at_idx ON es_events (recorded_at);
