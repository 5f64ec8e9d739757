-- Core schema: regions, catalog, units, emission factors, batches, append-only observations.
CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    parent TEXT,
    level TEXT NOT NULL CHECK (level IN ('country', 'province', 'city', 'district'))
);
CREATE TABLE region_aliases (
    alias TEXT PRIMARY KEY,
    code TEXT NOT NULL
);
CREATE TABLE indicators (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('power', 'energy', 'industry', 'economy', 'emissions')),
    unit TEXT NOT NULL,
    frequency TEXT NOT NULL
);
CREATE TABLE units (
    unit TEXT NOT NULL,
    canonical_unit TEXT NOT NULL,
    factor DOUBLE NOT NULL,
    PRIMARY KEY (unit, canonical_unit)
);
CREATE TABLE emission_factors (
    indicator TEXT NOT NULL,
    year_from INTEGER NOT NULL,
    year_to INTEGER NOT NULL,
    factor DOUBLE NOT NULL,
    factor_unit TEXT NOT NULL,
    co2_per_unit DOUBLE NOT NULL,
    source TEXT NOT NULL
);
CREATE SEQUENCE batch_id_seq START 1;
CREATE TABLE batches (
    batch_id INTEGER PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    source_name TEXT,
    sha256 TEXT,
    origin TEXT NOT NULL,            -- upload | demo | accounting | nowcast | rollback | regions
    rows_in INTEGER NOT NULL DEFAULT 0,
    rows_loaded INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,            -- loaded | partial | rolled_back
    note TEXT,
    report JSON
);
-- Append-only facts. A later batch supersedes (never overwrites) a value for the same
-- (region, period, indicator, kind); a NULL value retracts it (used by rollbacks).
CREATE TABLE observations (
    region TEXT NOT NULL,
    period TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value DOUBLE,
    kind TEXT NOT NULL CHECK (kind IN ('statistical', 'estimated', 'verified')),
    batch_id INTEGER NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE VIEW observations_current AS
SELECT region, period, indicator, value, kind, batch_id, recorded_at
FROM (
    SELECT *, row_number() OVER (
        PARTITION BY region, period, indicator, kind ORDER BY recorded_at DESC, batch_id DESC
    ) AS rn
    FROM observations
)
WHERE rn = 1 AND value IS NOT NULL;
