-- First use without a stumble (issue 22).
-- 1. Every committed write is recorded (db.transaction appends a row before COMMIT): the warehouse's state
--    version (queries.data_version) is the latest seq, so every cache keyed on it is stale the moment any
--    write commits, whatever table the write touched.
CREATE SEQUENCE write_seq START 1;
CREATE TABLE writes (
    seq BIGINT NOT NULL DEFAULT nextval('write_seq'),
    written_at TIMESTAMP NOT NULL
);
-- 2. The status as published at each quarter's end: "since last quarter" compares with this record, never
--    with a recomputation on later data (a city nobody touched keeps its baseline after someone's upload).
CREATE TABLE published_status (
    quarter TEXT NOT NULL,               -- 'YYYY-Qn'
    as_of TEXT NOT NULL,                 -- the quarter's last month, 'YYYY-MM'
    region TEXT NOT NULL,
    status TEXT,
    warning_level TEXT,
    deviation DOUBLE,
    intensity_change DOUBLE,
    yoy_change DOUBLE,
    p_overspend DOUBLE,
    rank INTEGER,
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (quarter, region)
);
-- 3. Accounts the demo build created (their passwords are shown on the sign-in page only while the warehouse
--    holds nothing but the demo), and the key that signs session cookies (made on first use, never shown).
CREATE TABLE demo_accounts (
    name TEXT PRIMARY KEY,
    password TEXT NOT NULL               -- public on purpose: the demo's sign-in page prints it
);
CREATE TABLE app_secret (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- 4. The role 'approver' (省政府审定, issue 16) may be stored.
CREATE TABLE users_v16 (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'reporter', 'analyst', 'admin', 'approver')),
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT false,
    region TEXT
);
INSERT INTO users_v16 SELECT name, role, password_hash, created_at, disabled, region FROM users;
DROP TABLE users;
ALTER TABLE users_v16 RENAME TO users;
