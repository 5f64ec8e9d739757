-- The province's rules as versioned data, the targets handed down from above, pending approvals
-- (second signatures), and the layer each ledger entry belongs to.
CREATE SEQUENCE rule_seq START 1;
CREATE TABLE province_rules (            -- every setting kept; the latest effective on a date wins
    rule_id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    value JSON NOT NULL,
    effective_from DATE NOT NULL,
    set_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE TABLE handed_down_targets (       -- 上级下达目标: a change is a new version, never an edit
    region TEXT NOT NULL,
    period_start INTEGER NOT NULL,
    period_end INTEGER NOT NULL,
    intensity_decline DOUBLE NOT NULL,   -- fraction over the period (0.18 = 18% decline)
    total_cap DOUBLE,                    -- 万吨 over the period (total-led periods), NULL = none
    document TEXT NOT NULL,              -- source document and date
    version INTEGER NOT NULL,
    set_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (region, period_start, period_end, version)
);
CREATE SEQUENCE approval_seq START 1;
CREATE TABLE approvals (                 -- anything that needs a second signature
    approval_id INTEGER PRIMARY KEY,
    action TEXT NOT NULL,
    payload JSON NOT NULL,
    summary TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    signoff TEXT NOT NULL                -- who must confirm: none | admin | approver
);
CREATE TABLE approval_decisions (        -- append-only: one decision per approval
    approval_id INTEGER PRIMARY KEY,
    status TEXT NOT NULL,                -- confirmed | refused
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    reason TEXT NOT NULL,
    result JSON
);
CREATE TABLE plan_supersessions (        -- a plan whose layer replaced an earlier plan's for the same years
    plan_id TEXT NOT NULL,
    supersedes TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE TABLE close_carried (             -- adjustments of a plan's last year carried into the next period
    close_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    region TEXT NOT NULL,
    amount DOUBLE NOT NULL,              -- signed 万吨 (< 0 deduction, > 0 carry-over)
    recorded_at TIMESTAMP NOT NULL
);
ALTER TABLE plan_approvals ADD COLUMN skipped_years JSON;
ALTER TABLE plan_approvals ADD COLUMN confirmed_by TEXT;
ALTER TABLE year_close_approvals ADD COLUMN confirmed_by TEXT;
