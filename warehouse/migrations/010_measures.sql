-- Policy adjustment (政策调节): measures with owners and status history, quarterly progress reports
-- with reviews, major projects with expected emissions, applications (separately-listed quota,
-- advances) with reviews. Append-only: a status change, a review or a resubmission is a new row.
CREATE SEQUENCE measure_id_seq START 1;
CREATE SEQUENCE measure_log_seq START 1;
CREATE TABLE measures (
    measure_id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    instrument TEXT NOT NULL,          -- code in data/policy_toolbox.csv
    instrument_type TEXT NOT NULL,     -- control | economic | information
    title TEXT NOT NULL,
    owner_dept TEXT NOT NULL,
    owner_contact TEXT,
    planned_start TEXT NOT NULL,       -- YYYY-MM
    planned_end TEXT NOT NULL,
    reduction DOUBLE NOT NULL,         -- expected, 万吨 CO2 per year
    reduction_basis TEXT,
    cost DOUBLE,                       -- 万元
    indicator TEXT,                    -- indicator code that shows progress, optional
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE measure_status (
    measure_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'late', 'cancelled')),
    reason TEXT NOT NULL,
    actual_start TEXT,
    actual_end TEXT,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE TABLE measure_reports (
    report_id INTEGER PRIMARY KEY,
    measure_id INTEGER NOT NULL,
    period TEXT NOT NULL,              -- YYYY-Qn
    text TEXT NOT NULL,
    value DOUBLE,                      -- achieved reduction to date, 万吨 CO2 (optional)
    author TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL
);
CREATE TABLE measure_report_reviews (
    report_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accepted', 'changes_requested')),
    comment TEXT,
    reviewer TEXT NOT NULL,
    reviewed_at TIMESTAMP NOT NULL
);
CREATE TABLE major_projects (
    project_id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    sector TEXT NOT NULL,
    start_month TEXT NOT NULL,         -- YYYY-MM
    reduction_plan TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE major_project_emissions (
    project_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    co2 DOUBLE NOT NULL,               -- expected, 万吨 CO2
    basis TEXT
);
CREATE TABLE budget_applications (
    application_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('separately_listed', 'advance')),
    region TEXT NOT NULL,
    project_id INTEGER,
    year INTEGER NOT NULL,
    amount DOUBLE NOT NULL,            -- requested, 万吨 CO2
    reason TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL
);
CREATE TABLE budget_application_reviews (
    application_id INTEGER PRIMARY KEY, -- one decision per application
    decision TEXT NOT NULL CHECK (decision IN ('approve', 'partly', 'refuse')),
    amount_granted DOUBLE NOT NULL,
    reason TEXT NOT NULL,
    entry_id TEXT,                     -- the ledger entry an approval wrote
    reviewer TEXT NOT NULL,
    reviewed_at TIMESTAMP NOT NULL
);
-- every write of this stage, in order (also the data version the pages cache on)
CREATE TABLE measure_log (
    seq INTEGER PRIMARY KEY,
    action TEXT NOT NULL,
    object_id INTEGER,
    "user" TEXT NOT NULL,
    logged_at TIMESTAMP NOT NULL
);
