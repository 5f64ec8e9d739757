-- Key emitting units (重点排放单位): the registry and their yearly emissions / electricity (MRV-verified or reported).
-- Append-only like observations: a later batch's row for the same key supersedes an earlier one.
CREATE TABLE key_emitters (
    code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT,
    region TEXT NOT NULL,
    sector TEXT NOT NULL,
    batch_id BIGINT,
    recorded_at TIMESTAMP NOT NULL
);
CREATE TABLE key_emitter_years (
    code TEXT NOT NULL,
    year INTEGER NOT NULL,
    co2 DOUBLE,            -- 万吨 CO2
    elec DOUBLE,           -- 万千瓦时
    verified BOOLEAN NOT NULL DEFAULT false,
    batch_id BIGINT,
    recorded_at TIMESTAMP NOT NULL
);
