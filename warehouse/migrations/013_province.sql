-- The province as general contractor (issue 17): objections (异议) and answers, filings upward (备案)
-- with receipts, public notices (公示), assessment consequences (奖优罚劣), capacity funding to cities,
-- the approved key-emitter list, and inbox e-mail addresses. Append-only: an answer, a receipt, a
-- correction is a new row; nothing is updated in place.
CREATE SEQUENCE objection_id_seq START 1;
CREATE TABLE objections (
    objection_id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    about_kind TEXT NOT NULL CHECK (about_kind IN ('plan', 'close', 'assessment', 'comment')),
    about_id TEXT NOT NULL,            -- plan id | year | YYYY-YYYY | plan comment id
    text TEXT NOT NULL,
    requested_amount DOUBLE,           -- 万吨 CO2 (NULL: no amount asked)
    reporter TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- answers to objections and to plan comments (one answer per subject)
CREATE TABLE answers (
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('objection', 'comment')),
    subject_id INTEGER NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accepted', 'partly', 'refused')),
    text TEXT NOT NULL,
    answered_by TEXT NOT NULL,
    answered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (subject_kind, subject_id)
);
CREATE SEQUENCE filing_id_seq START 1;
CREATE TABLE filings (
    filing_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('plan', 'registry', 'close', 'five-year')),
    object_id TEXT NOT NULL,
    recipient TEXT NOT NULL,           -- to whom (e.g. 生态环境部)
    submitted_by TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    files JSON NOT NULL,               -- [{name, sha256, bytes}]
    manifest_sha256 TEXT NOT NULL,
    summary JSON NOT NULL              -- the machine-readable numbers filed (the package's JSON)
);
CREATE TABLE filing_receipts (
    filing_id INTEGER PRIMARY KEY,     -- one receipt per filing
    text TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TIMESTAMP NOT NULL
);
CREATE SEQUENCE notice_seq START 1;
CREATE TABLE notices (
    notice_id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,       -- e.g. 示范省碳预算公示〔2026〕3号
    subject TEXT NOT NULL,             -- what it publishes, e.g. plan:SF-2026-2030, close:2025
    kind TEXT NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    content JSON NOT NULL,             -- the published record, frozen
    content_sha256 TEXT NOT NULL,
    corrects INTEGER,                  -- the notice this one corrects
    published_by TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL
);
CREATE SEQUENCE assessment_action_seq START 1;
CREATE TABLE assessment_actions (
    action_id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    period_start INTEGER NOT NULL,
    period_end INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reward', 'accountability')),
    measure TEXT NOT NULL,             -- special_funds | policy_tilt | commendation | criticism | interview | restriction
    grade TEXT,                        -- the city's grade in the assessment the action follows
    assessment_id INTEGER,
    text TEXT NOT NULL,
    amount DOUBLE,                     -- 万元 (special funds)
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL
);
CREATE SEQUENCE capacity_fund_seq START 1;
CREATE TABLE capacity_funds (
    fund_id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    year INTEGER NOT NULL,
    amount DOUBLE NOT NULL,            -- 万元
    purpose TEXT NOT NULL CHECK (purpose IN ('monitoring', 'verification', 'reporting')),
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE SEQUENCE registry_approval_seq START 1;
CREATE TABLE registry_approvals (
    approval_id INTEGER PRIMARY KEY,
    content JSON NOT NULL,             -- the list as approved: [{code, name_zh, name_en, region, sector}]
    content_sha256 TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TIMESTAMP NOT NULL
);
CREATE TABLE inbox_addresses (         -- latest row per name wins
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    set_at TIMESTAMP NOT NULL
);
CREATE TABLE inbox_sent (              -- items already mailed, so a send mails only what is new
    name TEXT NOT NULL,
    item_key TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL
);
-- every write of this room, in order (the pages' cache key)
CREATE SEQUENCE province_log_seq START 1;
CREATE TABLE province_log (
    seq INTEGER PRIMARY KEY,
    action TEXT NOT NULL,
    object_id TEXT,
    "user" TEXT NOT NULL,
    logged_at TIMESTAMP NOT NULL
);
