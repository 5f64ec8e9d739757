-- Nowcast model runs and the bands/contributions of their estimates.
CREATE SEQUENCE model_run_id_seq START 1;
CREATE TABLE model_runs (
    run_id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    as_of TEXT NOT NULL,
    data_cut TEXT,
    settings JSON,
    summary JSON,
    metrics JSON,
    skipped JSON
);
CREATE TABLE estimates (
    run_id INTEGER NOT NULL,
    region TEXT NOT NULL,
    period TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value DOUBLE NOT NULL,
    lo80 DOUBLE, hi80 DOUBLE, lo90 DOUBLE, hi90 DOUBLE,
    horizon INTEGER,
    contributions JSON
);
CREATE TABLE demo_truth (
    region TEXT NOT NULL,
    period TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value DOUBLE NOT NULL
);
