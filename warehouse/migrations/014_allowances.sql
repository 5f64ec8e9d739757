-- Key emitters' allowances (issue 18): the list's market, local additions, gases and product; verified
-- output by year; the province's coverage as versioned data; the allowance ledger per unit (pre-allocation,
-- true-up, adjustment, advance, surrender); unit advances; price observations; buy-backs; the
-- price-stabilisation reserve; regional trades of budget quota. Append-only. Amounts in t CO2, prices 元/吨.
ALTER TABLE key_emitters ADD COLUMN market TEXT;            -- national | local | none (NULL: not stated)
ALTER TABLE key_emitters ADD COLUMN local_addition BOOLEAN; -- 地方增列
ALTER TABLE key_emitters ADD COLUMN local_criterion TEXT;   -- the local criterion it meets
ALTER TABLE key_emitters ADD COLUMN local_reason TEXT;      -- why the province added it
ALTER TABLE key_emitters ADD COLUMN gases TEXT;             -- covered gases, e.g. 'CO2' or 'CO2,CH4'
ALTER TABLE key_emitters ADD COLUMN product TEXT;           -- product in data/allowance_benchmarks.csv
ALTER TABLE key_emitters ADD COLUMN cooling TEXT;           -- water | air (power units)
ALTER TABLE key_emitter_years ADD COLUMN output DOUBLE;     -- main output (MWh supplied, t of product)
ALTER TABLE key_emitter_years ADD COLUMN heat_output DOUBLE; -- GJ of heat supplied
ALTER TABLE key_emitter_years ADD COLUMN load_rate DOUBLE;  -- load (output) rate, 0-1
ALTER TABLE key_emitter_years ADD COLUMN heat_ratio DOUBLE; -- heat ratio, 0-1

CREATE TABLE allowance_coverage (       -- the province's own coverage (local market), one version = all rows
    version INTEGER NOT NULL,
    sector TEXT NOT NULL,
    gases TEXT NOT NULL,
    threshold DOUBLE,                   -- 万吨 CO2e a year (NULL: criterion not a threshold)
    criterion TEXT NOT NULL,
    from_year INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE SEQUENCE allowance_seq START 1;
CREATE TABLE allowance_ledger (
    seq BIGINT NOT NULL,
    year INTEGER NOT NULL,
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('preallocation', 'trueup', 'adjustment', 'advance_in', 'advance_out', 'surrender')),
    amount DOUBLE NOT NULL,             -- t CO2, signed (surrender and advance_out < 0)
    market TEXT,
    product TEXT,
    benchmark DOUBLE,
    output DOUBLE,
    reason TEXT NOT NULL,
    ref TEXT,                           -- e.g. advance:3, approval:12
    "user" TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE SEQUENCE allowance_advance_seq START 1;
CREATE TABLE allowance_advances (       -- 预支: published with who asked and who approved
    advance_id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    year INTEGER NOT NULL,              -- the year advanced into (taken from year + 1)
    amount DOUBLE NOT NULL,
    cap DOUBLE NOT NULL,
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE TABLE allowance_prices (         -- the latest row per (date, market) wins
    date DATE NOT NULL,
    market TEXT NOT NULL,
    price DOUBLE NOT NULL,
    volume DOUBLE,
    batch_id BIGINT,
    recorded_at TIMESTAMP NOT NULL
);
CREATE SEQUENCE allowance_reserve_seq START 1;
CREATE TABLE allowance_reserve (        -- price-stabilisation reserve and buy-backs
    seq BIGINT NOT NULL,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('set_aside', 'release', 'replenish', 'buyback')),
    amount DOUBLE NOT NULL,             -- t CO2, > 0
    price DOUBLE,                       -- 元/吨 (buy-back)
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE TABLE budget_trades (            -- 区域碳预算指标交易: the price of a 'trade' ledger entry
    entry_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    from_region TEXT NOT NULL,
    to_region TEXT NOT NULL,
    amount DOUBLE NOT NULL,             -- 万吨 CO2
    price DOUBLE NOT NULL,              -- 元/吨
    value DOUBLE NOT NULL,              -- 万元 (amount 万吨 × price 元/吨)
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
