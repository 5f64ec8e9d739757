-- Budget plans (碳预算方案): immutable versions (a revision is a new version with what changed),
-- comments from city users with a requested amount, and approvals (which write the ledger).
CREATE SEQUENCE plan_comment_seq START 1;
CREATE TABLE plans (
    plan_id TEXT PRIMARY KEY,
    parent TEXT NOT NULL,
    first_year INTEGER NOT NULL,
    last_year INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE plan_versions (
    plan_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    "user" TEXT NOT NULL,
    note TEXT,
    content TEXT NOT NULL,        -- JSON (budget.plan_versions), never updated
    content_sha256 TEXT NOT NULL,
    changes TEXT NOT NULL,        -- JSON list of {field, old, new} against the previous version
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (plan_id, version)
);
CREATE TABLE plan_comments (
    comment_id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    region TEXT NOT NULL,
    "user" TEXT NOT NULL,
    requested_amount DOUBLE,      -- 万吨 over the plan years (NULL: no amount asked)
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE plan_approvals (
    plan_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    "user" TEXT NOT NULL,
    ledger_entries INTEGER NOT NULL,
    entry_prefix TEXT NOT NULL,
    approved_at TIMESTAMP NOT NULL,
    PRIMARY KEY (plan_id, version)
);
-- Per-capita allocation needs resident population (annual, 万人); warehouses made before it was in
-- data/indicators.csv get the catalog row and its units here (new ones load it from the CSV).
INSERT INTO indicators SELECT 'population', '常住人口', 'Resident population', 'economy', '万人', 'annual'
WHERE NOT EXISTS (SELECT 1 FROM indicators WHERE code = 'population');
INSERT INTO units SELECT '万人', '万人', 1 WHERE NOT EXISTS (SELECT 1 FROM units WHERE unit = '万人' AND canonical_unit = '万人');
INSERT INTO units SELECT '人', '万人', 0.0001 WHERE NOT EXISTS (SELECT 1 FROM units WHERE unit = '人' AND canonical_unit = '万人');
