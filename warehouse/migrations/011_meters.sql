-- Grid-meter readings of key emitters live as Parquet beside the warehouse file
-- (<warehouse>.meters/month=YYYY-MM/city=CODE/*.parquet, columns enterprise_id, date, kwh) and are
-- queried in place. This table lists every file a batch wrote (the files are never rewritten).
CREATE TABLE meter_files (
    batch_id BIGINT NOT NULL,
    path TEXT NOT NULL,          -- relative to the meters folder
    month TEXT NOT NULL,         -- YYYY-MM
    region TEXT NOT NULL,        -- the city code of the partition
    n_rows BIGINT NOT NULL,
    kwh DOUBLE NOT NULL,
    first_date DATE,
    last_date DATE,
    recorded_at TIMESTAMP NOT NULL
);
