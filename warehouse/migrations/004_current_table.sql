-- The current value of every key, kept in step with the append-only log by store.append_observations
-- (same transaction), so page queries do not re-rank the whole log. The log stays the record;
-- as-of queries read the log.
CREATE TABLE observations_latest AS
SELECT region, period, indicator, value, kind, batch_id, recorded_at FROM observations_current;
DROP VIEW observations_current;
CREATE VIEW observations_current AS
SELECT region, period, indicator, value, kind, batch_id, recorded_at FROM observations_latest WHERE value IS NOT NULL;
