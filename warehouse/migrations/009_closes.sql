-- Annual final accounts (年度决算): every close version kept; approvals append; five-year assessments (考核).
CREATE SEQUENCE close_id_seq START 1;
CREATE TABLE year_closes (
    close_id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    provisional BOOLEAN NOT NULL,
    months_estimated JSON,          -- months of the year still estimated (or missing) in any city
    data_version TEXT,              -- warehouse data version the close was computed from
    rule JSON,                      -- the adjustment rule in force
    UNIQUE (year, version)
);
CREATE TABLE year_close_regions (
    close_id INTEGER NOT NULL,
    region TEXT NOT NULL,
    is_province BOOLEAN NOT NULL,
    row JSON NOT NULL               -- every field of budget.year_close.CLOSE_COLUMNS
);
CREATE TABLE year_close_fuels (
    close_id INTEGER NOT NULL,
    region TEXT NOT NULL,
    indicator TEXT NOT NULL,
    co2 DOUBLE NOT NULL             -- 万吨 CO2
);
CREATE TABLE year_close_approvals (
    close_id INTEGER NOT NULL,
    approved_at TIMESTAMP NOT NULL,
    approved_by TEXT NOT NULL,
    applied JSON NOT NULL,          -- region -> net adjustment of next year after this approval (万吨)
    entry_ids JSON NOT NULL         -- the ledger entries this approval wrote
);
CREATE SEQUENCE assessment_id_seq START 1;
CREATE TABLE assessments (
    assessment_id INTEGER PRIMARY KEY,
    period_start INTEGER NOT NULL,
    period_end INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    weights JSON NOT NULL,
    UNIQUE (period_start, period_end, version)
);
CREATE TABLE assessment_regions (
    assessment_id INTEGER NOT NULL,
    region TEXT NOT NULL,
    row JSON NOT NULL               -- totals, completion, indicators, score, grade, rank
);
CREATE TABLE assessment_scores (   -- scores entered by an admin where data cannot tell (latest wins)
    period_start INTEGER NOT NULL,
    period_end INTEGER NOT NULL,
    region TEXT NOT NULL,
    indicator TEXT NOT NULL,
    score DOUBLE NOT NULL,
    note TEXT,
    entered_by TEXT NOT NULL,
    entered_at TIMESTAMP NOT NULL
);
