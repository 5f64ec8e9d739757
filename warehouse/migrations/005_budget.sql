-- Budget books: an append-only ledger (every change an attributed entry) and intensity targets.
CREATE SEQUENCE ledger_seq START 1;
CREATE TABLE budget_ledger (
    seq INTEGER PRIMARY KEY,
    entry_id TEXT NOT NULL UNIQUE,
    date TEXT NOT NULL,
    "user" TEXT NOT NULL,
    reason TEXT NOT NULL,
    type TEXT NOT NULL,
    year INTEGER NOT NULL,
    amount DOUBLE NOT NULL,
    from_region TEXT,
    to_region TEXT,
    project TEXT,
    recorded_at TIMESTAMP NOT NULL
);
CREATE TABLE intensity_targets (
    region TEXT NOT NULL,
    year INTEGER NOT NULL,
    intensity_target DOUBLE NOT NULL,   -- t CO2 per 10k yuan GDP
    source TEXT,
    recorded_at TIMESTAMP NOT NULL
);
